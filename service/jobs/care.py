"""The archive's scheduled duties as plain functions: backup, fixity slice, renewal, monthly.

Each takes a :class:`DutyRun` (the due time, how many earlier runs were missed, the archive) and
returns a :class:`DutyOutcome` whose summary is the Russian line the dashboard shows. The embedded
scheduler and the Celery tasks call these through :func:`service.jobs.scheduler.run_duty`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from storage.archive import Archive
from storage.catalog import DISPOSED, PENDING

ACTOR = "плановое обслуживание"
# Every copy is re-read at least once in this many days: a month's shortest length.
AUDIT_CYCLE_DAYS = 28


@dataclass(frozen=True)
class DutyRun:
    """What a duty is run for."""

    due: dt.datetime
    missed: int
    archive: Callable[[], Archive]


@dataclass(frozen=True)
class DutyOutcome:
    """How a run ended: ``ok``, ``warning`` or ``failed``, a Russian summary and details."""

    outcome: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)


def backup_catalog(run: DutyRun) -> DutyOutcome:
    """Dump the catalog database into both stores (then the usual rotation)."""
    from service.archive.dbdump import dump_database, engine_name
    from storage.backup import backup_catalog as run_backup

    entry = run_backup(run.archive(), dump_database, engine=engine_name(), actor=ACTOR)
    details = {"document_id": entry.document_id, "size": entry.size, "state": entry.state}
    if entry.state == PENDING:
        return DutyOutcome(
            "warning",
            f"резервная копия {entry.document_id} записана только в одно хранилище, "
            "вторая копия ждёт репликации",
            details,
        )
    return DutyOutcome(
        "ok", f"резервная копия {entry.document_id} записана в оба хранилища", details
    )


def audit_slice_size(live: int, missed: int) -> int:
    """How many documents to check today so that each is checked within the audit cycle.

    Missed days are made up in the same run, so a machine that was off does not fall behind.
    """
    if live == 0:
        return 0
    return min(live, math.ceil(live / AUDIT_CYCLE_DAYS) * (1 + missed))


def fixity_slice(run: DutyRun) -> DutyOutcome:
    """Re-read both copies of the next slice of the catalog (the longest unchecked first)."""
    from storage.fixity import BothCopiesBadError, audit

    archive = run.archive()
    counts = archive.catalog.count_by_state()
    live = sum(n for state, n in counts.items() if state != DISPOSED)
    size = audit_slice_size(live, run.missed)
    if size == 0:
        return DutyOutcome("ok", "в архиве нет документов: проверять нечего", {"live": 0})
    try:
        report = audit(archive, sample=size, repair=True, actor=ACTOR)
    except BothCopiesBadError as exc:
        return DutyOutcome("failed", str(exc), {"both_bad": list(exc.report.both_bad)})
    repaired = sum(f.repaired for f in report.findings)
    details = {
        "checked": report.checked,
        "live": live,
        "findings": len(report.findings),
        "repaired": repaired,
        "unavailable": list(report.unavailable),
        "entries": list(report.entries),
    }
    summary = (
        f"проверено документов: {report.checked} из {live}, замечаний: {len(report.findings)}, "
        f"исправлено: {repaired}"
    )
    if report.unavailable:
        summary += "; недоступны хранилища " + ", ".join(report.unavailable)
    problems = len(report.findings) - repaired + len(report.unavailable)
    return DutyOutcome("warning" if problems else "ok", summary, details)


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    """A function that another part of the service may provide, or ``None``."""
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ModuleNotFoundError as exc:
        if exc.name != module:  # the module exists but is broken: say so
            raise
        return None
    return found if callable(found) else None


def renew_timestamps(run: DutyRun) -> DutyOutcome:
    """Renew the archival time-stamps of B-LTA documents whose TSA certificate nears expiry."""
    renew = _optional("service.archive.renewal", "renew_due_timestamps")
    if renew is None:
        return DutyOutcome(
            "ok",
            "нечего продлевать: документы с архивным штампом времени (B-LTA) "
            "к продлению не отмечены",
            {"renewal": "not-available"},
        )
    result = renew(run.archive(), run.due)
    return result if isinstance(result, DutyOutcome) else DutyOutcome("ok", str(result))


MONTHS = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip


def month_before(due: dt.datetime) -> str:
    """The month that ended before ``due``, as ``YYYY-MM``."""
    last = due.date().replace(day=1) - dt.timedelta(days=1)
    return f"{last:%Y-%m}"


def month_label(month: str) -> str:
    """``2024-10`` → «октябрь 2024 г.»."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year} г."


def monthly_duties(run: DutyRun) -> DutyOutcome:
    """The duties of the month just ended (substitution log, control reports)."""
    month = month_before(run.due)
    duties = _optional("service.jobs.monthly", "run_monthly_duties")
    if duties is None:
        return DutyOutcome(
            "ok", f"ежемесячные обязанности за {month_label(month)}: нет задач", {"month": month}
        )
    result = duties(month)
    if isinstance(result, DutyOutcome):
        return result
    return DutyOutcome(
        "ok", f"ежемесячные обязанности за {month_label(month)}: {result}", {"month": month}
    )


FUNCTIONS: dict[str, Callable[[DutyRun], DutyOutcome]] = {
    "care.backup_catalog": backup_catalog,
    "care.fixity_slice": fixity_slice,
    "care.renew_timestamps": renew_timestamps,
    "care.monthly_duties": monthly_duties,
}
