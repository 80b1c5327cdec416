"""The one base class of Vedomost's Celery tasks.

It resolves the school (tenant) a task works for, records how long the task took, and queues the
task only after the surrounding database transaction commits (like pretix's TransactionAwareTask),
so a worker never looks for rows that are not there yet. Retries are declared per task on the
decorator and only for transient errors (``TRANSIENT_ERRORS``); domain errors are not retried.
"""

from __future__ import annotations

import logging
import socket
import time
import uuid
from typing import Any

from celery import Task
from celery.result import AsyncResult
from django.db import connection, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

# Errors worth retrying: the broker, the database or an object store briefly unreachable.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError)
try:  # the database driver's operational errors (lost connection, serialization failure)
    from django.db import OperationalError

    TRANSIENT_ERRORS = (*TRANSIENT_ERRORS, OperationalError)
except ImportError:  # pragma: no cover
    pass


class SchoolTask(Task):
    """Base task: ``school_id`` keyword resolves the tenant; timing recorded; queued on commit."""

    abstract = True
    acks_late = True
    reject_on_worker_lost = True

    def apply_async(self, args: Any = None, kwargs: Any = None, **options: Any) -> AsyncResult:
        """Queue the task, after the current transaction commits if there is one."""
        if connection.in_atomic_block and not self.app.conf.task_always_eager:
            task_id = options.pop("task_id", None) or str(uuid.uuid4())
            transaction.on_commit(
                lambda: Task.apply_async(self, args, kwargs, task_id=task_id, **options)
            )
            return self.AsyncResult(task_id)
        return super().apply_async(args, kwargs, **options)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from service.jobs.models import TaskTiming

        school_id = str(kwargs.get("school_id", ""))
        started, clock = timezone.now(), time.perf_counter()
        ok = False
        try:
            result = super().__call__(*args, **kwargs)
            ok = True
            return result
        finally:
            seconds = time.perf_counter() - clock
            try:
                TaskTiming.objects.create(
                    task=self.name,
                    school_id=school_id,
                    started_at=started,
                    seconds=seconds,
                    ok=ok,
                    worker=socket.gethostname()[:100],
                )
            except Exception:  # timing must never hide the task's own outcome
                log.exception("could not record the timing of %s", self.name)
