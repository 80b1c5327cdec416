"""Celery tasks: thin wrappers that resolve ids and call the plain step functions."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.utils import timezone

from service.jobs import progress
from service.jobs.base import TRANSIENT_ERRORS, SchoolTask
from service.jobs.models import ItemState, Job, JobItem, JobState
from service.jobs.spawn import init_child
from service.jobs.steps import FINISHERS, QUEUES, STEPS, StepError, load_steps

log = logging.getLogger(__name__)


@shared_task(
    base=SchoolTask,
    bind=True,
    name="vedomost.run_item",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def run_item(
    self: SchoolTask, job_id: str, key: str, *, school_id: str, windowed: bool = False
) -> str:
    """Do one item of a job unless it is already done (idempotent by the item's key).

    ``windowed``: the item was sent by the job's window (``_dispatch``); when it ends, the next
    item of the job is sent, or the job is finished if nothing is left.
    """
    load_steps()
    item = JobItem.objects.select_related("job").get(job_id=job_id, key=key)
    if item.state == ItemState.DONE:
        outcome = ItemState.DONE
    elif progress.is_cancelled(job_id):
        outcome = ItemState.PENDING
    else:
        outcome = _do_item(self, item)
    if windowed:
        _next(item, outcome)
    return outcome


def _do_item(task: SchoolTask, item: JobItem) -> str:
    job = item.job
    JobItem.objects.filter(pk=item.pk).update(attempts=item.attempts + 1)
    started = time.perf_counter()
    try:
        result = STEPS[job.kind](job, item)
    except StepError as exc:
        progress.item_failed(item, str(exc))
        return ItemState.FAILED
    except TRANSIENT_ERRORS as exc:
        if task.request.called_directly or task.request.retries < (task.max_retries or 0):
            raise  # retried by Celery (autoretry_for), its window slot kept meanwhile
        log.warning("job %s item gave up after %s retries", job.id, task.request.retries)
        progress.item_failed(item, unexpected_error(exc))
        return ItemState.FAILED
    except Exception as exc:  # one document's bug must not stop the batch; the error is shown
        log.exception("job %s item failed", job.id)
        progress.item_failed(item, unexpected_error(exc))
        return ItemState.FAILED
    progress.item_done(item, result, time.perf_counter() - started)
    return ItemState.DONE


@shared_task(base=SchoolTask, name="vedomost.finish_job", acks_late=True)
def finish_job(_results: Any, job_id: str, *, school_id: str) -> str:
    """After the last item: run the job kind's finisher and close the job."""
    load_steps()
    job = Job.objects.get(pk=job_id)
    finisher = FINISHERS.get(job.kind)
    try:
        result = finisher(job) if finisher is not None else None
    except StepError as exc:
        return progress.finish(job_id, error=str(exc)).state
    return progress.finish(job_id, result=result).state


def unexpected_error(exc: BaseException) -> str:
    """A Russian message for an error no step foresaw, with what to do (details in the log)."""
    if isinstance(exc, PermissionError):
        return "Нет прав на запись файла в каталог данных: проверьте права и нажмите «Повторить»."
    if isinstance(exc, OSError):
        return (
            f"Ошибка чтения или записи файла ({exc.strerror or exc}): проверьте место "
            "на диске и нажмите «Повторить»."
        )
    return (
        "Непредвиденная ошибка программы. Нажмите «Повторить»; если она повторится, "
        "передайте администратору журнал сервера (время ошибки указано в нём)."
    )


# The job's window: fair sharing of the workers between jobs (and so between schools).
#
# A job never puts all its items in the broker at once. ``_dispatch`` sends the first
# ``JOB_WINDOW`` items; each item, when it ends on a worker, sends the next one (``_next``). The
# broker's queue therefore holds a few tasks of every running job, interleaved, and the workers
# (prefetch 1, late acks) take them in turn: a school whose close has 2,000 documents and a
# school whose close has 50, queued a moment later, share the workers half and half, and the
# small one finishes first instead of waiting for the whole big one.
#
# ``JobItem.queued_at`` marks an item whose task is in the broker or running. Claims are
# conditional updates, so two workers never send the same item; the job is finished by the one
# that finds nothing left queued or to send, claimed through ``Job.finished_at``.


def window() -> int:
    """Items of one job in the broker at once (``VEDOMOST_JOB_WINDOW``)."""
    from django.conf import settings

    return max(1, int(getattr(settings, "JOB_WINDOW", 8)))


def _claim(job_id: str, count: int) -> list[str]:
    """Mark up to ``count`` pending items not yet sent as sent; their keys (first by id)."""
    claimed: list[str] = []
    while len(claimed) < count:
        candidates = list(
            JobItem.objects.filter(
                job_id=job_id, state=ItemState.PENDING, queued_at__isnull=True
            ).values_list("pk", "key")[: count - len(claimed)]
        )
        if not candidates:
            break
        now = timezone.now()
        for pk, key in candidates:
            if JobItem.objects.filter(pk=pk, queued_at__isnull=True).update(queued_at=now):
                claimed.append(key)
    return claimed


def _send(job_id: str, school_id: str, kind: str, keys: list[str]) -> None:
    """Send claimed items; if the broker fails, the ones not sent are released for a retry."""
    queue = QUEUES.get(kind, "celery")
    for n, key in enumerate(keys):
        try:
            run_item.apply_async(
                (job_id, key), {"school_id": school_id, "windowed": True}, queue=queue
            )
        except BaseException:
            JobItem.objects.filter(job_id=job_id, key__in=keys[n:]).update(queued_at=None)
            raise


def _next(item: JobItem, outcome: str) -> None:
    """After a windowed item: free its slot, send the job's next item or finish the job."""
    job = item.job
    job_id = str(job.id)
    JobItem.objects.filter(pk=item.pk).update(queued_at=None)
    if outcome == ItemState.PENDING and not progress.is_cancelled(job_id):
        return  # not run (a retry will send it again): nothing to do here
    if not progress.is_cancelled(job_id):
        keys = _claim(job_id, 1)
        if keys:
            _send(job_id, job.school_id, job.kind, keys)
            return
        if JobItem.objects.filter(job_id=job_id, state=ItemState.PENDING).exists():
            return  # others still running: the last of them finishes the job
    elif JobItem.objects.filter(
        job_id=job_id, state=ItemState.PENDING, queued_at__isnull=False
    ).exists():
        return
    # Nothing left: finish once (a cancelled job already has its end time and stays cancelled).
    if Job.objects.filter(pk=job_id, finished_at__isnull=True).update(finished_at=timezone.now()):
        finish_job(None, job_id, school_id=job.school_id)


def _dispatch(job: Job, keys: list[str]) -> None:
    """Send the first window of the job's pending items (an earlier sending is forgotten: items
    are idempotent, so one still in the broker at worst finds its work done)."""
    job_id = str(job.id)
    failed = JobItem.objects.filter(job_id=job_id, state=ItemState.FAILED, key__in=keys)
    failed.update(state=ItemState.PENDING, error="")  # asked for again: run like the others
    JobItem.objects.filter(job_id=job_id, state=ItemState.PENDING).update(queued_at=None)
    Job.objects.filter(pk=job_id).exclude(state=JobState.CANCELLED).update(finished_at=None)
    claimed = _claim(job_id, window()) if keys else []
    if not claimed:  # nothing to run: finish now
        queue = QUEUES.get(job.kind, "celery")
        finish_job.apply_async((None, job_id), {"school_id": job.school_id}, queue=queue)
        return
    _send(job_id, job.school_id, job.kind, claimed)


def in_process() -> bool:
    """Whether jobs run in this process (no broker: the embedded default)."""
    from service.celery import app

    return bool(app.conf.task_always_eager)


def start_job(job: Job, keys: list[str] | None = None, *, inline: bool = False) -> None:
    """Run a job's items on the workers, a window at a time; in-process (thread, or ``inline``)
    without a broker."""
    from service.celery import app

    load_steps()
    if keys is None:
        keys = list(job.items.exclude(state=ItemState.DONE).values_list("key", flat=True))
    progress.mark_started(str(job.id))
    if app.conf.task_always_eager:
        import threading

        def run_here() -> None:
            from django.db import connections

            try:
                for key in keys:
                    if progress.is_cancelled(str(job.id)):
                        break
                    run_item(str(job.id), key, school_id=job.school_id)
                finish_job(None, str(job.id), school_id=job.school_id)
            finally:
                if not inline:  # a thread closes its own connections when it ends
                    connections.close_all()

        if inline:
            run_here()
            return
        threading.Thread(target=run_here, name=f"job-{job.id}", daemon=True).start()
        return
    _dispatch(job, keys)


def _run_one(job_id: str, school_id: str, key: str) -> str:
    return run_item(job_id, key, school_id=school_id)


def run_inline(
    job: Job, workers: int = 1, on_item: Callable[[int, int], None] | None = None
) -> progress.JobStatus:
    """Run a job's pending items in this process, or in ``workers`` spawned processes; then finish.

    ``on_item`` is called with (items done, items to run) after each item.

    Used by the one-command demo and the CLI on the embedded default (no broker). Workers are
    spawned, not forked: a fork copies the caller's open sockets, and kombu's after-fork clean-up
    of an inherited broker connection was seen to block the child for ever.
    """
    import functools
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.conf import settings
    from django.db import connections

    load_steps()
    keys = list(job.items.exclude(state=ItemState.DONE).values_list("key", flat=True))
    progress.mark_started(str(job.id))
    run = functools.partial(_run_one, str(job.id), job.school_id)
    report = on_item or (lambda done, total: None)
    if workers <= 1 or len(keys) < 2:
        for done, key in enumerate(keys, 1):
            if progress.is_cancelled(str(job.id)):
                break
            run(key)
            report(done, len(keys))
    else:
        database = {
            k: v
            for k, v in connections["default"].settings_dict.items()
            if k in {"ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS"}
        }
        connections.close_all()  # children open their own connections
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=init_child,
            initargs=(database, str(settings.DATA_DIR)),
        )
        try:
            for done, _ in enumerate(pool.map(run, keys, chunksize=2), 1):
                report(done, len(keys))
        except BaseException:  # Ctrl-C: do not wait here; the caller cancels the job
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    finish_job(None, str(job.id), school_id=job.school_id)
    return progress.status(str(job.id))


def retry_failed(job: Job) -> list[str]:
    """Run a job's failed items again."""
    keys = progress.reset_failed(str(job.id))
    if keys:
        start_job(job, keys)
    return keys
