"""The Celery application.

Configured from Django settings (``CELERY_*``). Without ``VEDOMOST_BROKER_URL`` tasks run
eagerly in-process, which is the embedded default.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service.settings")

app = Celery("vedomost")
# The app of every thread: a task sent from a thread the app was not made in (the web wizard's
# signing thread starts the archive job) must not fall back to Celery's unconfigured default app,
# which sends to amqp://localhost.
app.set_default()
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    task_eager_propagates=True,
)
app.autodiscover_tasks()
app.autodiscover_tasks(related_name="care_tasks")  # the scheduled care (service/jobs/care_tasks.py)
from service.jobs.schedule import configure as _configure_schedule  # noqa: E402

_configure_schedule(app)
