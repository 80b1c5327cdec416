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
from typing import Any

import click

from service.cli.signing import SIGNER_HELP, _open_signer

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
    "--workers", type=int, default=0, help="Процессов формирования (по умолчанию — ядер)."
)
@click.option("--json", "as_json", is_flag=True, help="Итоги в JSON.")
def close_command(
    period: tuple[str, ...],
    classes: str,
    signer_spec: str,
    reason: str,
    confirm_signer: str,
    workers: int,
    as_json: bool,
) -> None:
    """Закрыть период: Q1…Q4, H1, H2, T1…T3, «1 четверть», year (учебный год) или month ГГГГ-ММ."""
    from service.documents.signers import SignerMismatch
    from service.jobs.close_engine import cancel_close, open_close, run_close
    from service.jobs.close_plan import CloseProblem, resolve_target
    from service.jobs.models import PeriodClose

    snapshot = _current_snapshot()
    chosen = {c.strip() for c in classes.split(",") if c.strip()} if classes.strip() else None
    try:
        target = resolve_target(snapshot, " ".join(period))
        close, resumed = open_close(None, snapshot, target, chosen, reason=reason)
    except CloseProblem as exc:
        _fail(str(exc))
        return
    with _open_signer(signer_spec) as signer, ExitStack() as bars:
        try:
            report = run_close(
                close,
                signer,
                None,
                workers=workers or os.cpu_count() or 1,
                on_progress=stage_bars(as_json, bars),
                confirm_signer=confirm_signer,
            )
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
    close = PeriodClose.objects.get(pk=close.pk)
    if as_json:
        click.echo(json.dumps(_report_dict(report, close), ensure_ascii=False, indent=1))
    else:
        _print_report(report, close, resumed)
    if close.state != PeriodClose.State.ARCHIVED:
        sys.exit(EXIT_STOPPED)


commands = [close_command]
