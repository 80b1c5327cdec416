"""``vedomost close``: the year close of one class, re-running it, and the Russian refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.accounts.snapshots import forget
from storage.catalog import EntryFilter
from tests.fixtures.web import _database_url, import_sample_school

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _close(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        VEDOMOST_DATABASE_URL=_database_url(),
        PYTHONPATH=str(Path.cwd()),
        PYTHONWARNINGS="ignore",
    )
    env.pop("VEDOMOST_BROKER_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "service", "close", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_close_year_archives_the_yearly_statement_and_a_rerun_changes_nothing(
    tmp_path: Path,
) -> None:
    """GIVEN the small school WHEN `vedomost close year --classes 5А --json` runs twice THEN the
    first run archives the yearly statement, the second finds it unchanged in the archive."""
    forget()
    import_sample_school(tmp_path)
    first = _close("year", "--classes", "5А", "--workers", "1", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["documents"], report["archived"], report["state_code"]) == (1, 1, "archived")
    assert report["by_kind"] == {"Сводная ведомость итоговых отметок": 1}
    assert report["period_name"] == "2024/2025 учебный год"

    again = _close("учебный год", "--classes", "5А", "--workers", "1", "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert (report["unchanged"], report["archived"], report["signed"]) == (1, 0, 0)


def test_close_refuses_bad_input_in_russian(tmp_path: Path) -> None:
    """An unknown period, an unknown class and a bad signer end with exit code 2 and a reason."""
    forget()
    import_sample_school(tmp_path)
    period = _close("Q9")
    assert period.returncode == 2 and "Неизвестный период «Q9»" in period.stderr
    assert "1 четверть" in period.stderr
    classes = _close("Q1", "--classes", "99Я")
    assert classes.returncode == 2 and "Нет таких классов: 99Я" in classes.stderr
    signer = _close("Q1", "--classes", "5А", "--sign", "bogus")
    assert signer.returncode == 2 and "неверно указан подписант" in signer.stderr
    assert "Traceback" not in period.stderr + classes.stderr + signer.stderr


def test_ctrl_c_cancels_and_the_same_command_continues(tmp_path: Path) -> None:
    """GIVEN `vedomost close Q1` rendering WHEN it gets Ctrl-C (SIGINT) THEN it exits with 130,
    the close is «отменено»; the same command again finishes it, each document archived once."""
    import signal
    import time

    from service.jobs.models import ItemState, JobItem, PeriodClose

    forget()
    import_sample_school(tmp_path)
    env = dict(
        os.environ,
        VEDOMOST_DATABASE_URL=_database_url(),
        PYTHONPATH=str(Path.cwd()),
        PYTHONWARNINGS="ignore",
    )
    env.pop("VEDOMOST_BROKER_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "service", "close", "Q1", "--classes", "5А", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # a shell may start background commands with SIGINT ignored; a terminal would not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 240
    while not JobItem.objects.filter(job__kind="period-render", state=ItemState.DONE).exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "выполните ту же команду ещё раз" in err
    assert PeriodClose.objects.get().state == PeriodClose.State.CANCELLED

    again = _close("Q1", "--classes", "5А", "--workers", "1", "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["archived"] == report["documents"] and not report["failed"]
    assert PeriodClose.objects.count() == 1


def test_close_month_archives_the_substitution_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`vedomost close month 2024-10 --payroll FILE` archives the month's substitution log and
    control reports, signed; a payroll that does not match makes the paper log due."""
    monkeypatch.setenv("VEDOMOST_PAYROLL_DIR", str(tmp_path / "kept"))
    forget()
    import_sample_school(tmp_path)
    payroll = tmp_path / "tabel.csv"
    payroll.write_text("табельный номер;месяц;оплачено часов\nt-none;10.2024;3\n", "cp1251")
    result = _close("month", "2024-10", "--payroll", str(payroll), "--workers", "1", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["period_name"] == "октябрь 2024"
    assert report["by_kind"] == {
        "Журнал замещённых уроков": 1,
        "Справка внутришкольного контроля": 3,
    }
    assert (report["archived"], report["signed"]) == (4, 4)
    assert report["month"]["paper_due"] and not report["month"]["matches_payroll"]
    assert "строка 2 табеля: учителя нет в журнале" in " ".join(report["month"]["differences"])
    outside = _close("month", "2031-10")
    assert outside.returncode == 2 and "не входит в учебный год 2024/2025" in outside.stderr


def test_close_year_adds_the_honours_list_and_drafts_one_numbered_transfer_order(
    tmp_path: Path,
) -> None:
    """GIVEN the small school WHEN `vedomost close year` runs for the 9th and 11th grades and the
    school-wide documents («—») THEN it archives their yearly statements (with attendance) and
    the honours list and drafts the transfer order with a students' register number; running it
    again archives nothing new and takes no second number."""
    from pypdf import PdfReader

    from service.archive.wiring import get_archive
    from service.orders.models import IssuedDocument, RegisterEntry

    forget()
    import_sample_school(tmp_path)
    first = _close("year", "--classes", "9А,11А,—", "--workers", "1", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["state_code"] == "archived" and not report["failed"]
    assert report["archived"] == report["signed"] == 3
    assert report["by_kind"]["Сводная ведомость итоговых отметок"] == 2
    assert report["by_kind"]["Список награждённых аттестатом с отличием и медалью"] == 1
    (draft,) = report["drafts"]
    order = IssuedDocument.objects.get(kind="transfer")
    assert order.number and f"№ {order.number} от" in draft and "проект" in draft
    assert RegisterEntry.objects.filter(document=order).count() == 1

    archive = get_archive()
    found = [
        e
        for e in archive.catalog.list_entries(_entries_of_year())
        if e.kind in ("year-statement", "honours-list")
    ]
    assert sorted(e.kind for e in found) == ["honours-list", "year-statement", "year-statement"]
    statement = next(e for e in found if e.kind == "year-statement")
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(archive.read(statement.document_id).read())
    page = "\n".join(p.extract_text() or "" for p in PdfReader(pdf).pages)
    assert "Пропущено уроков" in page and "по болезни" in page

    assert "Опись электронных документов за 2024/2025 учебный год: версия 1" in report["inventory"]
    _check_inventory(archive, tmp_path, {e.document_id for e in found})

    again = _close("year", "--classes", "9А,11А,—", "--workers", "1", "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert (report["unchanged"], report["archived"], report["signed"]) == (3, 0, 0)
    assert report["drafts"] == [draft]
    assert IssuedDocument.objects.filter(kind="transfer").count() == 1
    assert RegisterEntry.objects.filter(kind="transfer").count() == 1
    assert all(len(archive.versions(e.document_id)) == 1 for e in found)
    assert "версия 1" in report["inventory"]
    (inventory,) = archive.catalog.list_entries(EntryFilter(kind="year-inventory"))
    assert inventory.version == 1


def _check_inventory(archive: object, tmp_path: Path, expected: set[str]) -> None:
    """The archived inventory is signed and carries the CSV listing each archived document."""
    import csv
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pypdf import PdfReader

    (entry,) = archive.catalog.list_entries(EntryFilter(kind="year-inventory"))
    data = archive.read(entry.document_id).read()
    assert [s.field_name for s in PdfFileReader(io.BytesIO(data)).embedded_signatures] == [
        "director"
    ]
    path = tmp_path / "inventory.pdf"
    path.write_bytes(data)
    reader = PdfReader(path)
    page = "\n".join(p.extract_text() or "" for p in reader.pages)
    assert "ОПИСЬ" in page and "Сводная ведомость итоговых отметок" in page
    (raw,) = reader.attachments["inventory.csv"]
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["№", "Идентификатор документа", "Вид документа"]
    assert {r[1] for r in rows[1:]} == expected
    assert all(r[7] for r in rows[1:])  # the retention of each


def _entries_of_year() -> EntryFilter:
    return EntryFilter(year="2024/2025")
