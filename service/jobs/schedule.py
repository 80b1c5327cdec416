"""The one schedule of the archive's care, used by Celery beat and by the embedded scheduler.

``DUTIES`` says what runs when (in the school's time zone). Celery beat gets it as crontabs
(``BEAT_SCHEDULE``); ``vedomost serve`` without a broker runs the same duties in-process through
:mod:`service.jobs.scheduler`, which also catches up runs missed while the machine was off.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from celery.schedules import crontab

QUEUES = ("render", "sign", "archive", "audit")

WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")


@dataclass(frozen=True)
class Recurrence:
    """When a duty falls due: every day, every week on ``weekday`` (0 = Monday), or every month
    on ``day`` (1–28), at ``hour``:``minute`` local time."""

    every: Literal["day", "week", "month"]
    hour: int
    minute: int = 0
    weekday: int = 6
    day: int = 1

    def _at(self, day: dt.date, tz: dt.tzinfo) -> dt.datetime:
        naive = dt.datetime.combine(day, dt.time(self.hour, self.minute))
        return naive.replace(tzinfo=tz)

    def latest(self, now: dt.datetime) -> dt.datetime:
        """The last due time at or before ``now`` (aware, in ``now``'s time zone)."""
        tz = now.tzinfo
        assert tz is not None, "due times need an aware clock"
        today = now.date()
        if self.every == "day":
            due = self._at(today, tz)
            return due if due <= now else self._at(today - dt.timedelta(days=1), tz)
        if self.every == "week":
            day = today - dt.timedelta(days=(today.weekday() - self.weekday) % 7)
            due = self._at(day, tz)
            return due if due <= now else self._at(day - dt.timedelta(days=7), tz)
        due = self._at(today.replace(day=self.day), tz)
        if due <= now:
            return due
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        return self._at(dt.date(year, month, self.day), tz)

    def following(self, due: dt.datetime) -> dt.datetime:
        """The next due time strictly after ``due``."""
        tz = due.tzinfo
        assert tz is not None, "due times need an aware clock"
        day = due.date()
        if self.every == "day":
            return self._at(day + dt.timedelta(days=1), tz)
        if self.every == "week":
            return self._at(day + dt.timedelta(days=7), tz)
        year, month = (day.year, day.month + 1) if day.month < 12 else (day.year + 1, 1)
        return self._at(
            dt.date(year, month, min(self.day, calendar.monthrange(year, month)[1])), tz
        )

    def between(self, after: dt.datetime, until: dt.datetime) -> int:
        """How many due times fall in ``(after, until]``."""
        count, due = 0, self.following(self.latest(after))
        while due <= until:
            count, due = count + 1, self.following(due)
        return count

    def crontab(self) -> crontab:
        """The same recurrence for Celery beat."""
        if self.every == "day":
            return crontab(minute=self.minute, hour=self.hour)
        if self.every == "week":
            # crontab counts days of the week from Sunday = 0
            return crontab(minute=self.minute, hour=self.hour, day_of_week=(self.weekday + 1) % 7)
        return crontab(minute=self.minute, hour=self.hour, day_of_month=self.day)

    def describe(self) -> str:
        """In Russian, for the dashboard: «еженедельно, воскресенье, 03:00»."""
        at = f"{self.hour:02d}:{self.minute:02d}"
        if self.every == "day":
            return f"ежедневно, {at}"
        if self.every == "week":
            return f"еженедельно, {WEEKDAYS[self.weekday]}, {at}"
        return f"ежемесячно, {self.day}-го числа, {at}"


@dataclass(frozen=True)
class Duty:
    """One scheduled duty: its Celery task name, its Russian title and when it falls due."""

    task: str
    title: str
    recurrence: Recurrence
    kwargs: dict[str, Any] = field(default_factory=dict)


DUTIES: tuple[Duty, ...] = (
    Duty("care.backup_catalog", "Резервная копия каталога", Recurrence("week", 3, 0, weekday=6)),
    Duty("care.fixity_slice", "Проверка сохранности копий", Recurrence("day", 2, 30)),
    Duty(
        "care.renew_timestamps",
        "Продление архивных штампов времени",
        Recurrence("week", 4, 0, weekday=5),
    ),
    Duty("care.monthly_duties", "Ежемесячные обязанности", Recurrence("month", 5, 0, day=1)),
)
DUTY_BY_TASK = {d.task: d for d in DUTIES}

# Period-close items choose their queue per job kind when dispatched (see ``steps.QUEUES``);
# the archive's own maintenance tasks all go to ``audit``.
TASK_ROUTES: dict[str, dict[str, str]] = {
    "archive.fixity_audit": {"queue": "audit"},
    "archive.backup_catalog": {"queue": "audit"},
    "archive.replicate_pending": {"queue": "archive"},
    **{d.task: {"queue": "audit"} for d in DUTIES},
}

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    **{
        d.task: {"task": d.task, "schedule": d.recurrence.crontab(), "kwargs": dict(d.kwargs)}
        for d in DUTIES
    },
    "replicate-pending-every-5-minutes": {
        "task": "archive.replicate_pending",
        "schedule": 300.0,
    },
}


def configure(app: Any) -> None:
    """Apply the routes and the beat schedule to the Celery app (times in the school's zone)."""
    from django.conf import settings

    app.conf.task_routes = TASK_ROUTES
    app.conf.beat_schedule = BEAT_SCHEDULE
    app.conf.timezone = settings.TIME_ZONE
