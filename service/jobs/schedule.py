"""Celery routing and the beat schedule: queues render, sign, archive and audit; periodic audits."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

QUEUES = ("render", "sign", "archive", "audit")

# Period-close items choose their queue per job kind when dispatched (see ``steps.QUEUES``);
# the archive's own maintenance tasks all go to ``audit``.
TASK_ROUTES: dict[str, dict[str, str]] = {
    "archive.fixity_audit": {"queue": "audit"},
    "archive.backup_catalog": {"queue": "audit"},
    "archive.replicate_pending": {"queue": "archive"},
}

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "nightly-sampled-fixity-audit": {
        "task": "archive.fixity_audit",
        "schedule": crontab(minute=30, hour=2),
        "kwargs": {"sample": 500, "repair": True},
    },
    "monthly-full-fixity-audit": {
        "task": "archive.fixity_audit",
        "schedule": crontab(minute=0, hour=1, day_of_month=1),
        "kwargs": {"sample": None, "repair": True},
    },
    "weekly-catalog-backup": {
        "task": "archive.backup_catalog",
        "schedule": crontab(minute=0, hour=3, day_of_week="sun"),
    },
    "replicate-pending-every-5-minutes": {
        "task": "archive.replicate_pending",
        "schedule": 300.0,
    },
}


def configure(app: Any) -> None:
    """Apply the routes and the beat schedule to the Celery app."""
    app.conf.task_routes = TASK_ROUTES
    app.conf.beat_schedule = BEAT_SCHEDULE
