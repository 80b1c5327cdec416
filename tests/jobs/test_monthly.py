"""Monthly duties: the month close reconciled with the payroll, the paper it owes, its reports."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from pypdf import PdfReader

from service.accounts.snapshots import current_snapshot, forget
from service.jobs.models import MonthlyPaperDue, PeriodClose
from tests.fixtures.web import _database_url, import_sample_school

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
MONTH = "2024-10"
PAPER = "Требуется подпись директора на бумаге: расхождения с табелем"


@pytest.fixture(autouse=True)
def _own_payroll_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test keeps its payrolls apart: the data directory is shared by the session."""
    monkeypatch.setenv("VEDOMOST_PAYROLL_DIR", str(tmp_path / "payroll"))


def _signer() -> object:
    from signing import demo_signer

    return demo_signer(Path(os.environ["VEDOMOST_DATA_DIR"]))


def _school(tmp_path: Path) -> object:
    forget()
    return current_snapshot(import_sample_school(tmp_path).school_id)  # type: ignore[attr-defined]


def _payroll(snapshot: object, extra_hours: float = 0.0) -> bytes:
    """The accounting export of the month built from the journal's paid substitutions; the first
    teacher gets ``extra_hours`` more than the log says."""
    paid: dict[str, float] = defaultdict(float)
    for s in snapshot.substitutions:  # type: ignore[attr-defined]
        if s.paid and f"{s.date:%Y-%m}" == MONTH:
            paid[s.substitute_id] += s.hours
    assert len(paid) >= 2, "the sample month needs paid substitutions"
    lines = ["табельный номер;месяц;оплачено часов"]
    for i, (teacher, hours) in enumerate(sorted(paid.items())):
        total = hours + (extra_hours if i == 0 else 0)
        lines.append(f"{teacher};10.2024;{str(total).replace('.', ',')}")
    return ("\n".join(lines) + "\n").encode("cp1251")


def _archived(school_id: str) -> Counter[str]:
    from service.archive.wiring import get_archive
    from storage.catalog import EntryFilter

    entries = get_archive().catalog.list_entries(EntryFilter(school=school_id))
    return Counter(e.document_id for e in entries)


def _archived_bytes(document_id: str) -> bytes:
    from service.archive.wiring import get_archive

    with get_archive().read(document_id) as stream:
        return stream.read()


def _archived_text(document_id: str) -> str:
    pages = PdfReader(io.BytesIO(_archived_bytes(document_id))).pages
    return "\n".join(page.extract_text() for page in pages)


def test_matching_payroll_keeps_the_log_electronically_and_a_rerun_changes_nothing(
    tmp_path: Path,
) -> None:
    """GIVEN the small school and a payroll that pays exactly the log's hours WHEN the monthly
    duty runs THEN the log and the month's three control reports are signed and archived, no paper
    is due; running it again archives nothing new."""
    from service.jobs.monthly import keep_payroll, run_monthly_duties

    snapshot = _school(tmp_path)
    keep_payroll(MONTH, _payroll(snapshot), "tabel.csv")
    outcome = run_monthly_duties(MONTH)
    assert outcome.outcome == "ok", outcome.summary
    assert "журнал замещений совпадает с табелем" in outcome.summary
    assert outcome.details["state"] == "archived" and not outcome.details["paper_due"]
    assert not MonthlyPaperDue.objects.exists()

    school = snapshot.school.id  # type: ignore[attr-defined]
    archived = _archived(school)
    assert len(archived) == 4 and set(archived.values()) == {1}
    texts = [_archived_text(document_id) for document_id in archived]
    log = next(t for t in texts if "ЗАМЕЩЁННЫХ УРОКОВ" in t)
    assert "совпадает" in log and PAPER not in log
    assert any("СВОЕВРЕМЕННОСТИ" in t for t in texts)
    assert any("НАКОПЛЯЕМОСТИ" in t for t in texts)
    assert any("ПОСЕЩАЕМОСТИ" in t for t in texts)
    assert all("за октябрь 2024 г." in t for t in texts if "СПРАВКА" in t)

    again = run_monthly_duties(MONTH)
    assert again.outcome == "ok" and again.details["state"] == "archived"
    assert _archived(school) == archived
    assert not MonthlyPaperDue.objects.exists()


def test_mismatching_payroll_owes_a_signed_paper_log_until_its_scan_is_archived(
    tmp_path: Path,
) -> None:
    """GIVEN a payroll paying one teacher an hour more WHEN the month closes THEN the archived log
    lists the difference and says it needs the director's signature on paper, a due item exists;
    attaching the scan archives it and clears the item; a re-run changes nothing."""
    from PIL import Image

    from service.jobs.monthly import attach_scan, close_month, keep_payroll, open_dues

    snapshot = _school(tmp_path)
    school = snapshot.school.id  # type: ignore[attr-defined]
    keep_payroll(MONTH, _payroll(snapshot, extra_hours=1.0), "tabel.csv")
    result = close_month(snapshot, MONTH, _signer())
    assert result.close.state == PeriodClose.State.ARCHIVED
    assert (result.matches_payroll, result.payroll_checked, result.differences) == (
        False,
        True,
        1,
    )
    (due,) = open_dues(school)
    assert due.month == MONTH and PAPER in due.reason
    assert due.differences[0]["problem"] == "расхождение +1 ч"
    log = _archived_text(due.document_id)
    assert "НЕ СОВПАДАЕТ — расхождений: 1" in log and PAPER in log
    assert "расхождение +1 ч" in log

    scan = io.BytesIO()
    Image.new("RGB", (420, 595), "white").save(scan, "PNG")
    cleared = attach_scan(school, MONTH, scan.getvalue(), user="Директор")
    assert cleared.cleared_at is not None and cleared.scan_ref.endswith("(archived)")
    assert open_dues(school) == []
    scan_pdf = PdfReader(io.BytesIO(_archived_bytes(f"{due.document_id}-scan")))
    assert len(scan_pdf.pages) == 1
    archived = _archived(school)
    assert archived[f"{due.document_id}-scan"] == 1

    close_month(snapshot, MONTH, _signer())
    assert _archived(school) == archived
    assert open_dues(school) == []
    assert MonthlyPaperDue.objects.get().scan_ref == cleared.scan_ref

    # A corrected payroll with another difference: the signed page no longer covers the log.
    keep_payroll(MONTH, _payroll(snapshot, extra_hours=2.0), "tabel.csv")
    close_month(snapshot, MONTH, _signer())
    (reopened,) = open_dues(school)
    assert reopened.differences[0]["problem"] == "расхождение +2 ч"
    assert _archived(school)[due.document_id] == 2


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        VEDOMOST_DATABASE_URL=_database_url(),
        PYTHONPATH=str(Path.cwd()),
        PYTHONWARNINGS="ignore",
    )
    env.pop("VEDOMOST_BROKER_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_render_control_report_for_a_month(tmp_path: Path) -> None:
    """`vedomost render control-report --report timeliness --month 2024-10` covers October."""
    _school(tmp_path)
    out = tmp_path / "timeliness.pdf"
    result = _cli(
        "render", "control-report", "--report", "timeliness", "--month", MONTH, "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert "СВОЕВРЕМЕННОСТИ ЗАПОЛНЕНИЯ" in text and "за октябрь 2024 г." in text
    assert "Проверено уроков" in text


def test_scheduled_duty_without_the_key_password_leaves_the_month_for_the_director(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a configured director's key whose password is not configured WHEN the monthly duty
    runs THEN the month's documents are rendered and wait for the director's signature in the
    wizard (nothing signed unattended), and the paper log is due (no payroll kept); a month
    outside the school year is nothing to close."""
    from django.conf import settings

    from service.jobs.monthly import open_dues, run_monthly_duties
    from signing.demo_pki import ensure_demo_pki

    snapshot = _school(tmp_path)
    key = ensure_demo_pki(Path(settings.DATA_DIR) / "keys").director_p12
    monkeypatch.setenv("VEDOMOST_SIGNER_P12", str(key))
    monkeypatch.delenv("VEDOMOST_SIGNER_PASSWORD", raising=False)
    outcome = run_monthly_duties(MONTH)
    assert outcome.outcome == "warning", outcome.summary
    assert outcome.details["state"] == "rendered"
    assert "ждут подписи директора" in outcome.summary
    assert "табель за месяц не загружен" in outcome.summary
    assert _archived(snapshot.school.id) == Counter()  # type: ignore[attr-defined]
    (due,) = open_dues()
    assert "сверка с табелем не проводилась" in due.reason

    outside = run_monthly_duties("2031-10")
    assert outside.outcome == "ok" and "не входит в учебный год" in outside.summary
