"""Celery tasks of the scheduled duties: beat calls them at their due time (production).

Each records its run exactly as the embedded scheduler does, through the same claim on
(task, due), so beat and a ``vedomost serve`` on the same catalog never both run one due time.
"""

from __future__ import annotations

from celery import shared_task


def _run(task: str) -> str:
    from django.utils import timezone

    from service.jobs.schedule import DUTY_BY_TASK
    from service.jobs.scheduler import run_duty

    duty = DUTY_BY_TASK[task]
    now = timezone.localtime()
    run = run_duty(duty, duty.recurrence.latest(now), now=now)
    return run.outcome if run is not None else "skipped"


@shared_task(name="care.backup_catalog")
def backup_catalog() -> str:
    """Weekly backup of the catalog database into both stores."""
    return _run("care.backup_catalog")


@shared_task(name="care.fixity_slice")
def fixity_slice() -> str:
    """The day's slice of the rotating fixity audit."""
    return _run("care.fixity_slice")


@shared_task(name="care.renew_timestamps")
def renew_timestamps() -> str:
    """Renewal of archival time-stamps before their TSA certificate expires."""
    return _run("care.renew_timestamps")


@shared_task(name="care.monthly_duties")
def monthly_duties() -> str:
    """The duties of the month just ended."""
    return _run("care.monthly_duties")
