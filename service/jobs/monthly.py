"""Monthly duties: the month close, its reconciliation with the payroll, and the paper it may owe.

The Положение keeps the substitution log electronically only while it matches the payroll; a
month whose log does not match (or that has no payroll file to check it against) owes a printed
log signed by the director, due on the dashboard until the scan of the signed page is archived.

Contracts:
- ``keep_payroll`` checks an accounting export and keeps it as the month's payroll file
  (``VEDOMOST_PAYROLL_DIR/ГГГГ-ММ.csv``), where the month close and the monthly duty read it.
- ``close_month`` runs the ``month`` close (resumable, like every close) and then records the
  verdict: a due item when the log needs paper, none (or a cleared one) when it matches.
- ``attach_scan`` converts the scan of the signed page to PDF/A, archives it with the log's
  document id in its metadata and clears the due item.
- ``run_monthly_duties`` is the scheduler's monthly duty.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from service.errors import UserError
from service.jobs.models import MonthlyPaperDue, PeriodClose
from service.jobs.payroll_files import payroll_dir, payroll_file

PAPER_NOTE = "Требуется подпись директора на бумаге: расхождения с табелем"
ACTOR = "плановое обслуживание"


class MonthlyProblem(UserError):
    """A monthly duty cannot be done as asked; the message is Russian and says what to do."""


@dataclass(frozen=True)
class MonthResult:
    """How a month close ended: the close, whether the log matched and what is due."""

    close: PeriodClose
    report: Any  # ClosingReport
    matches_payroll: bool
    payroll_checked: bool
    differences: int
    due: MonthlyPaperDue | None
    signed: bool


def keep_payroll(month: str, data: bytes, file_name: str) -> Path:
    """Check a payroll export and keep it as the payroll of ``month``; raise on a bad file.

    The file is refused when it cannot be parsed (the parser names the line and column) or has no
    row of ``month``: a wrong month's export would silently make every teacher a difference.
    """
    from service.documents.payroll import parse_payroll

    lines = parse_payroll(data, file_name)
    if not any(line.month == month for line in lines):
        months = ", ".join(sorted({line.month for line in lines})) or "нет строк"
        raise MonthlyProblem(
            f"в файле табеля «{file_name}» нет строк за {month} (есть: {months}): "
            "выгрузите табель за этот месяц"
        )
    folder = payroll_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{month}.csv"
    temporary = folder / f".{month}.csv.tmp"
    temporary.write_bytes(data)
    temporary.replace(target)
    return target


def keep_payroll_file(month: str, path: Path) -> Path:
    """:func:`keep_payroll` for a file on disk (``--payroll FILE``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MonthlyProblem(f"файл табеля «{path}» не читается: {exc.strerror}") from None
    if payroll_file(month) == path.resolve():
        return path.resolve()
    return keep_payroll(month, data, path.name)


def verdict(snapshot: Any, month: str) -> Any:
    """The month's substitution log data, reconciled with the kept payroll file if any."""
    from service.documents.kinds.substitution_log import build_substitution_log
    from service.documents.payroll import read_payroll

    path = payroll_file(month)
    payroll = read_payroll(path) if path is not None else None
    return build_substitution_log(snapshot, month, payroll, path.name if path else "")


def record_verdict(snapshot: Any, month: str, data: Any) -> MonthlyPaperDue | None:
    """Make the paper due when the log does not match the payroll; clear it when it does.

    A due item cleared by a scan stays cleared while the differences are the ones signed on paper;
    new differences make it due again.
    """
    school = snapshot.school.id
    with transaction.atomic():
        due = MonthlyPaperDue.objects.select_for_update().filter(school_id=school, month=month)
        existing = due.first()
        if data.matches_payroll:
            if existing is not None and existing.cleared_at is None:
                existing.cleared_at = timezone.now()
                existing.resolution = "журнал совпадает с табелем: хранится в электронном виде"
                existing.save(update_fields=["cleared_at", "resolution"])
            return None
        if not data.payroll_checked:
            reason = (
                "Требуется подпись директора на бумаге: сверка с табелем не проводилась "
                "(табель оплаты за месяц не загружен)"
            )
        else:
            reason = f"{PAPER_NOTE} ({len(data.differences)})"
        differences = [
            {"teacher": d.teacher, "log_hours": d.log_hours, "payroll_hours": d.payroll_hours,
             "problem": d.problem}
            for d in data.differences
        ]  # fmt: skip
        if existing is None:
            return MonthlyPaperDue.objects.create(
                school_id=school,
                month=month,
                document_id=data.meta.document_id,
                reason=reason,
                differences=differences,
            )
        signed_same = existing.scan_ref and existing.differences == differences
        if existing.cleared_at is not None and signed_same:
            return existing
        if existing.cleared_at is None and existing.differences == differences:
            return existing
        # A new difference (or a mismatch after a match): the signed page no longer covers it.
        existing.reason = reason
        existing.differences = differences
        existing.document_id = data.meta.document_id
        existing.cleared_at = None
        existing.resolution = ""
        existing.save(
            update_fields=["reason", "differences", "document_id", "cleared_at", "resolution"]
        )
        return existing


def close_month(
    snapshot: Any,
    month: str,
    signer: Any,
    *,
    user: Any = None,
    workers: int = 1,
    on_progress: Any = None,
) -> MonthResult:
    """Run the ``month`` close (render → sign → archive; only render when ``signer`` is None)
    and record whether the log owes paper."""
    from service.jobs.close_engine import open_close, run_close
    from service.jobs.close_plan import resolve_target
    from service.jobs.period_close import advance, closing_report

    target = resolve_target(snapshot, f"month {month}")
    close, _resumed = open_close(user, snapshot, target, None)
    if signer is not None:
        report = run_close(close, signer, user, workers=workers, on_progress=on_progress)
    else:
        report = _render_only(close, workers)
    close = advance(PeriodClose.objects.get(pk=close.pk))
    if signer is None:
        report = closing_report(close)
    data = verdict(snapshot, target.period_id)
    due = record_verdict(snapshot, target.period_id, data)
    return MonthResult(
        close=close,
        report=report,
        matches_payroll=data.matches_payroll,
        payroll_checked=data.payroll_checked,
        differences=len(data.differences),
        due=due,
        signed=signer is not None,
    )


def _render_only(close: PeriodClose, workers: int) -> Any:
    """Render the close's documents and leave them for the director to sign in the wizard."""
    from service.jobs import progress
    from service.jobs.period_close import advance, closing_report
    from service.jobs.tasks import run_inline

    close = PeriodClose.objects.get(pk=close.pk)
    if close.state in (PeriodClose.State.PLANNED, PeriodClose.State.RENDERING):
        progress.reset_failed(str(close.render_job.id))
        PeriodClose.objects.filter(pk=close.pk).update(state="rendering", error="")
        run_inline(close.render_job, workers=workers)
    return closing_report(advance(PeriodClose.objects.get(pk=close.pk)))


def open_dues(school_id: str | None = None) -> list[MonthlyPaperDue]:
    """Months whose signed paper log is still owed, oldest first."""
    rows = MonthlyPaperDue.objects.filter(cleared_at__isnull=True)
    if school_id is not None:
        rows = rows.filter(school_id=school_id)
    return list(rows.order_by("month"))


def attach_scan(school_id: str, month: str, data: bytes, *, user: str) -> MonthlyPaperDue:
    """Archive the scan of the signed paper log of ``month`` and clear its due item."""
    from service.archive.wiring import get_archive
    from service.orders.scans import scan_to_pdfa
    from storage.archive import DocumentMetadata

    due = MonthlyPaperDue.objects.filter(school_id=school_id, month=month).first()
    if due is None:
        raise MonthlyProblem(
            f"за {month} подпись на бумаге не требуется: журнал замещений совпадает с табелем "
            "или месяц ещё не закрыт"
        )
    if due.cleared_at is not None and due.scan_ref:
        return due
    scan = scan_to_pdfa(data, "Скан подписанного журнала замещённых уроков")
    metadata = DocumentMetadata(
        document_id=f"{due.document_id}-scan",
        school=school_id,
        year="",
        class_id="",
        period=month,
        snapshot_id="",
        signer=user,
        extra={"scan_of": due.document_id, "source_type": scan.source_type},
    )
    archive = get_archive()
    if archive.catalog.find_document(metadata.document_id) is None:
        entry = archive.archive(scan.pdf, metadata, "substitution-log", actor=user or ACTOR)
    else:
        entry = archive.correct(
            metadata.document_id,
            scan.pdf,
            reason="новый скан подписанного журнала",
            author=user or ACTOR,
            metadata=metadata,
        )
    MonthlyPaperDue.objects.filter(pk=due.pk).update(
        cleared_at=timezone.now(),
        cleared_by=user,
        resolution="скан подписанного директором журнала сдан в архив",
        scan_ref=f"{entry.document_id} v{entry.version} ({entry.state})",
        scan_sha256=scan.sha256,
    )
    due.refresh_from_db()
    return due


def scheduled_signer() -> Any:
    """The key the scheduler may sign with unattended, or None (the director signs later).

    With no configured key the demo key is used, as ``vedomost close`` does by default. A
    configured key is used only when its password is configured too; otherwise the documents
    wait for the director's signature in the close wizard.
    """
    from service.config import signer_p12, signer_secret
    from service.jobs.period_sign import unlock_signer

    if signer_p12() is None:
        from signing import demo_signer

        return demo_signer(Path(settings.DATA_DIR))
    password = signer_secret("SIGNER_PASSWORD")
    if password is None:
        return None
    return unlock_signer(password)


def run_monthly_duties(month: str) -> Any:
    """The scheduler's monthly duty: close ``month`` with the latest journal snapshot."""
    from service.jobs.care import DutyOutcome, month_label
    from service.jobs.close_plan import CloseProblem
    from service.journal.store import latest_snapshot

    label = f"ежемесячные обязанности за {month_label(month)}"
    snapshot = latest_snapshot()
    if snapshot is None:
        return DutyOutcome("ok", f"{label}: журнал не загружен, закрывать нечего", {"month": month})
    try:
        result = close_month(snapshot, month, scheduled_signer())
    except CloseProblem as exc:
        return DutyOutcome("ok", f"{label}: закрывать нечего — {exc}", {"month": month})
    details = {
        "month": month,
        "close_id": str(result.close.id),
        "state": result.close.state,
        "matches_payroll": result.matches_payroll,
        "differences": result.differences,
        "paper_due": result.due is not None and result.due.cleared_at is None,
    }
    parts = [f"закрытие месяца — {result.close.get_state_display()}"]
    if result.matches_payroll:
        parts.append("журнал замещений совпадает с табелем")
    elif result.payroll_checked:
        parts.append(f"журнал замещений не совпадает с табелем (расхождений: {result.differences})")
    else:
        parts.append("табель за месяц не загружен")
    if details["paper_due"]:
        parts.append("нужна подпись директора на бумаге")
    failed = result.close.state == PeriodClose.State.FAILED
    warn = failed or details["paper_due"] or not result.signed
    outcome = "failed" if failed else "warning" if warn else "ok"
    return DutyOutcome(outcome, f"{label}: " + "; ".join(parts), details)
