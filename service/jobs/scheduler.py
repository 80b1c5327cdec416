"""The embedded scheduler: the archive's care without Redis or Celery beat.

:func:`tick` runs every duty of :data:`service.jobs.schedule.DUTIES` whose due time has come since
its last recorded run; a run missed while the machine was off is made up at the next tick (once,
with the number of missed due times recorded). :func:`run_duty` claims a due time by inserting its
:class:`ScheduledRun` row, so two ``vedomost serve`` processes or a Celery worker never run the
same duty for the same due time twice. ``vedomost serve`` calls :func:`tick` once a minute from a
background thread (:func:`start`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from service.jobs.care import FUNCTIONS, DutyOutcome, DutyRun
from service.jobs.models import ScheduledRun
from service.jobs.schedule import DUTIES, Duty
from storage.archive import Archive

log = logging.getLogger(__name__)
TICK_SECONDS = 60
OVERDUE_AFTER = dt.timedelta(hours=1)
STALLED_AFTER = dt.timedelta(hours=6)


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _archive_factory(archive: Archive | None) -> Callable[[], Archive]:
    cache: list[Archive] = [archive] if archive is not None else []

    def get() -> Archive:
        if not cache:
            from service.archive.wiring import get_archive

            cache.append(get_archive())
        return cache[0]

    return get


def last_run(duty: Duty) -> ScheduledRun | None:
    """The latest recorded run of ``duty``."""
    return ScheduledRun.objects.filter(task=duty.task).order_by("-due").first()


def _missed(duty: Duty, previous: ScheduledRun | None, due: dt.datetime) -> int:
    """Due times between the last recorded run and ``due`` that never ran (machine off)."""
    if previous is None:
        return 0
    return max(0, duty.recurrence.between(timezone.localtime(previous.due), due) - 1)


def _claim(duty: Duty, due: dt.datetime, missed: int, now: dt.datetime) -> ScheduledRun | None:
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(
                task=duty.task, due=due, started_at=now, missed=missed, worker=_worker()
            )
    except IntegrityError:  # another process claimed this due time first
        return None


def run_duty(
    duty: Duty,
    due: dt.datetime,
    *,
    now: dt.datetime | None = None,
    missed: int | None = None,
    archive: Archive | Callable[[], Archive] | None = None,
) -> ScheduledRun | None:
    """Run ``duty`` for ``due`` and record it; ``None`` when that due time is already taken.

    A failure is recorded as the run's outcome (and logged), never raised: the schedule goes on
    and the dashboard shows the error.
    """
    now = timezone.localtime(now or timezone.now())
    if missed is None:
        previous = last_run(duty)
        missed = _missed(duty, previous, due)
    run = _claim(duty, due, missed, now)
    if run is None:
        return None
    factory = archive if callable(archive) else _archive_factory(archive)
    try:
        result = FUNCTIONS[duty.task](DutyRun(due, missed, factory))
    except Exception as exc:  # recorded as the run's outcome, shown on the dashboard
        log.exception("scheduled duty %s for %s failed", duty.task, due)
        result = DutyOutcome("failed", f"не выполнено: {exc}", {"error": repr(exc)})
    run.outcome = result.outcome
    run.summary = result.summary
    run.details = result.details
    run.finished_at = timezone.now()
    if missed:
        run.details = {**run.details, "missed": missed}
    run.save(update_fields=["outcome", "summary", "details", "finished_at"])
    return run


def tick(now: dt.datetime | None = None, *, archive: Archive | None = None) -> list[ScheduledRun]:
    """Run every duty whose due time has come since its last run; return the runs made."""
    now = timezone.localtime(now or timezone.now())
    factory = _archive_factory(archive)
    runs = []
    for duty in DUTIES:
        due = duty.recurrence.latest(now)
        previous = last_run(duty)
        if previous is not None and previous.due >= due:
            continue
        missed = _missed(duty, previous, due)
        run = run_duty(duty, due, now=now, missed=missed, archive=factory)
        if run is not None:
            runs.append(run)
    return runs


@dataclass(frozen=True)
class DutyStatus:
    """A duty for the dashboard: title, when it recurs, its last run and its next due time."""

    duty: Duty
    last: ScheduledRun | None
    next_due: dt.datetime
    overdue: bool  # the next due time passed an hour ago without a run: no scheduler runs
    stalled: bool = False  # the last run never finished: its process stopped midway


def overview(now: dt.datetime | None = None) -> list[DutyStatus]:
    """Every duty with its last run and next due time."""
    now = timezone.localtime(now or timezone.now())
    result = []
    for duty in DUTIES:
        last = last_run(duty)
        if last is None:  # the first run comes at the next due time (embedded: at start)
            next_due = duty.recurrence.following(duty.recurrence.latest(now))
        else:
            next_due = duty.recurrence.following(timezone.localtime(last.due))
        overdue = last is not None and next_due + OVERDUE_AFTER < now
        stalled = (
            last is not None
            and last.outcome == ScheduledRun.Outcome.RUNNING
            and last.started_at + STALLED_AFTER < now
        )
        result.append(DutyStatus(duty, last, next_due, overdue, stalled))
    return result


def run_forever(stop: threading.Event, interval: float = TICK_SECONDS) -> None:
    """Tick every ``interval`` seconds until ``stop`` is set."""
    while not stop.is_set():
        close_old_connections()
        try:
            tick()
        except Exception:  # the thread must outlive a database hiccup; each duty records its own
            log.exception("the embedded scheduler's tick failed")
        finally:
            close_old_connections()
        stop.wait(interval)


def start(interval: float = TICK_SECONDS) -> threading.Event:
    """Tick now and then every ``interval`` seconds in a daemon thread; set the event to stop."""
    stop = threading.Event()
    threading.Thread(
        target=run_forever, args=(stop, interval), name="vedomost-scheduler", daemon=True
    ).start()
    return stop
