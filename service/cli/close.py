"""Command ``close``: close a period (or the year) — plan → render → sign → archive → report.

Running the same command again continues an unfinished close and never archives a document
twice; documents whose content changed since an earlier close become new versions with a reason.
Exit codes: 0 closed, 1 the close stopped with errors (it can be continued), 2 invalid input,
130 interrupted (Ctrl-C; run the command again to continue).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from service.cli.signing import SIGNER_HELP, _open_signer
from service.cli.teacher_keys import TEACHER_KEYS_HELP, TeacherKeySpecError, open_teacher_keys

EXIT_STOPPED = 1
EXIT_INPUT = 2
EXIT_INTERRUPTED = 130


def _fail(message: str, code: int = EXIT_INPUT) -> None:
    click.echo(f"Ошибка: {message}", err=True)
    sys.exit(code)


def _current_snapshot() -> Any:
    from service.journal.store import latest_snapshot

    snapshot = latest_snapshot()
    if snapshot is None:
        _fail("в каталоге нет снимков журнала: сначала импортируйте журнал")
    return snapshot


def stage_bars(as_json: bool, stack: ExitStack) -> Callable[[str, int, int], None]:
    """A progress callback drawing one bar per stage (off for ``--json`` or a pipe)."""
    from service.cli.progress import progress
    from service.jobs.close_engine import STAGE_LABELS

    current: dict[str, Any] = {}

    def show(stage: str, done: int, total: int) -> None:
        if current.get("stage") != stage:
            stack.close()
            current["bar"] = stack.enter_context(progress(STAGE_LABELS[stage], not as_json))
            current["stage"] = stage
        current["bar"](done, total)

    return show


def _report_dict(report: Any, close: Any) -> dict[str, Any]:
    data = asdict(report)
    for key in ("started_at", "signed_at", "archived_at"):
        data[key] = data[key].isoformat() if data[key] else None
    data["failed"] = [{"document": d, "error": e} for d, e in report.failed]
    data.update(close_id=str(close.id), state_code=close.state, error=close.error)
    return data


def _print_report(report: Any, close: Any, resumed: bool) -> None:
    click.echo(f"Закрытие «{report.period_name}»: {report.state}")
    if resumed:
        click.echo("  (продолжено начатое ранее закрытие)")
    click.echo(
        f"  документов: {report.documents}; сформировано {report.rendered}, подписано "
        f"{report.signed}, в архиве {report.archived}; без изменений (уже в архиве): "
        f"{report.unchanged}; новых версий: {report.new_versions}; страниц: {report.pages}"
    )
    for kind, n in sorted(report.by_kind.items()):
        click.echo(f"    {kind}: {n}")
    for draft in report.drafts:
        click.echo(f"  {draft}")
    if report.changed:
        click.echo("  Новые версии:")
    for doc in report.changed:
        click.echo(f"    {doc.title}, версия {doc.version}: {doc.reason}")
        for line in doc.changes:
            click.echo(f"      {line}")
    if report.inventory:
        click.echo(f"  {report.inventory}")
    if report.pending_replication:
        click.echo(f"  ждут второй копии: {report.pending_replication}")
    if close.error:
        click.echo(f"  {close.error}")
    for document, error in report.failed[:30]:
        click.echo(f"  ошибка: {document}: {error}")


@click.command("close")
@click.argument("period", nargs=-1, required=True)
@click.option(
    "--classes", default="", help="Классы через запятую (по умолчанию все), «—» — общешкольные."
)
@click.option("--sign", "signer_spec", default="demo", show_default=True, help=SIGNER_HELP)
@click.option("--reason", default="", help="Причина новой версии изменившихся документов.")
@click.option(
    "--confirm-signer",
    "confirm_signer",
    default="",
    metavar="ПРИЧИНА",
    help="Подписать ключом не того директора, что назван в документах; причина — в журнал аудита.",
)
@click.option(
    "--teacher-keys", "teacher_keys", multiple=True, metavar="ПАПКА|СПЕЦ", help=TEACHER_KEYS_HELP
)
@click.option(
    "--without-teacher",
    "without_teacher",
    default="",
    metavar="ПРИЧИНА",
    help="Документы, ждущие подписи классного руководителя, подписать только директором; "
    "причина — в журнал аудита.",
)
@click.option(
    "--workers", type=int, default=0, help="Процессов формирования (по умолчанию — ядер)."
)
@click.option(
    "--payroll",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Для month: табель оплаты замещений за месяц (CSV бухгалтерии); хранится для сверки.",
)
@click.option(
    "--scan",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Для month: скан журнала, подписанного директором на бумаге (PDF, JPEG, PNG).",
)
@click.option("--json", "as_json", is_flag=True, help="Итоги в JSON.")
def close_command(
    period: tuple[str, ...],
    classes: str,
    signer_spec: str,
    reason: str,
    confirm_signer: str,
    teacher_keys: tuple[str, ...],
    without_teacher: str,
    workers: int,
    payroll: Path | None,
    scan: Path | None,
    as_json: bool,
) -> None:
    """Закрыть период: Q1…Q4, H1, H2, T1…T3, «1 четверть», year (учебный год) или month ГГГГ-ММ."""
    from service.errors import UserError
    from service.jobs.close_engine import open_close
    from service.jobs.close_plan import MONTH, CloseProblem, resolve_target
    from service.jobs.models import PeriodClose
    from service.jobs.monthly import keep_payroll_file
    from service.jobs.period_close import closing_report

    snapshot = _current_snapshot()
    chosen = {c.strip() for c in classes.split(",") if c.strip()} if classes.strip() else None
    try:
        target = resolve_target(snapshot, " ".join(period))
        if (payroll or scan) and target.kind != MONTH:
            raise CloseProblem(
                "--payroll и --scan относятся только к закрытию месяца (month ГГГГ-ММ)"
            )
        if scan is not None:
            _attach_scan(snapshot, target.period_id, scan, as_json)
            return
        if payroll is not None:
            keep_payroll_file(target.period_id, payroll)
        close, resumed = open_close(None, snapshot, target, chosen, reason=reason)
    except UserError as exc:
        _fail(str(exc))
        return
    with ExitStack() as keys:
        try:
            teachers = keys.enter_context(open_teacher_keys(teacher_keys, snapshot, _note))
        except TeacherKeySpecError as exc:
            _fail(exc.message)
            return
        _run(close, signer_spec, teachers, workers, as_json, confirm_signer, without_teacher)
    close = PeriodClose.objects.get(pk=close.pk)
    paper = _month_verdict(snapshot, target.period_id) if target.kind == MONTH else None
    if as_json:
        data = _report_dict(closing_report(close), close)
        if paper is not None:
            data["month"] = paper
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        _print_report(closing_report(close), close, resumed)
        if paper is not None:
            click.echo(f"  {paper['verdict']}")
    if close.state != PeriodClose.State.ARCHIVED:
        sys.exit(EXIT_STOPPED)


def _note(line: str) -> None:
    click.echo(line, err=True)


def _run(
    close: Any,
    signer_spec: str,
    teachers: Any,
    workers: int,
    as_json: bool,
    confirm_signer: str,
    without_teacher: str,
) -> None:
    """Render, sign (class teachers, then the director) and archive; with ``without_teacher``,
    documents left waiting for a class teacher are then signed by the director alone."""
    from service.documents.signers import SignerMismatch
    from service.jobs.close_engine import cancel_close, run_close
    from service.jobs.close_plan import CloseProblem
    from service.jobs.models import PeriodClose
    from service.jobs.teacher_sign import sign_without_teacher, waiting_items

    with _open_signer(signer_spec) as signer, ExitStack() as bars:
        try:
            for _attempt in range(2):
                run_close(
                    close,
                    signer,
                    None,
                    workers=workers or os.cpu_count() or 1,
                    on_progress=stage_bars(as_json, bars),
                    confirm_signer=confirm_signer,
                    teacher_keys=teachers,
                )
                close = PeriodClose.objects.get(pk=close.pk)
                if not (without_teacher and waiting_items(close)):
                    break
                sign_without_teacher(close, without_teacher, actor="vedomost")
        except SignerMismatch as exc:
            _fail(str(exc))
            return
        except CloseProblem as exc:
            _fail(str(exc), EXIT_STOPPED)
            return
        except KeyboardInterrupt:
            cancel_close(close)
            click.echo(
                "\nПрервано. Готовые документы сохранены; чтобы продолжить, выполните ту же "
                "команду ещё раз.",
                err=True,
            )
            sys.exit(EXIT_INTERRUPTED)


def _month_verdict(snapshot: Any, month: str) -> dict[str, Any]:
    """Record whether the month's log owes paper; the verdict for the report."""
    from service.jobs.monthly import record_verdict, verdict

    data = verdict(snapshot, month)
    due = record_verdict(snapshot, month, data)
    owed = due is not None and due.cleared_at is None
    if data.matches_payroll:
        text = "Журнал замещений совпадает с табелем: хранится в электронном виде."
    elif owed:
        assert due is not None
        text = f"{due.reason}. Распечатайте журнал, подпишите и приложите скан: --scan ФАЙЛ."
    else:
        text = "Журнал замещений не совпадает с табелем; скан подписанного журнала уже в архиве."
    return {
        "matches_payroll": data.matches_payroll,
        "payroll_checked": data.payroll_checked,
        "differences": [f"{d.teacher}: {d.problem}" for d in data.differences],
        "paper_due": owed,
        "verdict": text,
    }


def _attach_scan(snapshot: Any, month: str, scan: Path, as_json: bool) -> None:
    from service.jobs.monthly import attach_scan

    due = attach_scan(snapshot.school.id, month, scan.read_bytes(), user="vedomost")
    if as_json:
        click.echo(json.dumps({"month": month, "scan": due.scan_ref}, ensure_ascii=False))
    else:
        click.echo(f"Скан подписанного журнала за {month} сдан в архив: {due.scan_ref}")


commands = [close_command]
