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
from service.jobs.steps import (
    BATCH_SIZES,
    BATCH_STEPS,
    FINISHERS,
    QUEUES,
    STEPS,
    StepError,
    load_steps,
)

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

    ``windowed``: the item was sent by the job's window (``_dispatch``); when it ends, the job's
    next unit is sent, or the job is finished if nothing is left.
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
        _next(item.job, [key], outcome)
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


@shared_task(
    base=SchoolTask,
    bind=True,
    name="vedomost.run_batch",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def run_batch(
    self: SchoolTask,
    job_id: str,
    keys: list[str],
    *,
    school_id: str,
    windowed: bool = False,
) -> str:
    """Do a batch of a job's items in one task (a batch step); items already done are skipped,
    and each item's outcome is recorded on its own.

    ``windowed``: the batch was sent by the job's window, as ``run_item``.
    """
    load_steps()
    job = Job.objects.get(pk=job_id)
    if progress.is_cancelled(job_id):
        outcome = ItemState.PENDING
    else:
        outcome = _do_batch(self, job, keys)
    if windowed:
        _next(job, keys, outcome)
    return outcome


def _do_batch(task: SchoolTask, job: Job, keys: list[str]) -> str:
    from django.db.models import F

    items = list(JobItem.objects.filter(job_id=job.id, key__in=keys).exclude(state=ItemState.DONE))
    if not items:
        return ItemState.DONE
    JobItem.objects.filter(pk__in=[i.pk for i in items]).update(attempts=F("attempts") + 1)
    started = time.perf_counter()
    try:
        results = BATCH_STEPS[job.kind](job, items)
    except StepError as exc:
        for item in items:
            progress.item_failed(item, str(exc))
        return ItemState.FAILED
    except TRANSIENT_ERRORS as exc:
        if task.request.called_directly or task.request.retries < (task.max_retries or 0):
            raise  # retried by Celery (autoretry_for), its window slot kept meanwhile
        log.warning("job %s batch gave up after %s retries", job.id, task.request.retries)
        for item in items:
            progress.item_failed(item, unexpected_error(exc))
        return ItemState.FAILED
    except Exception as exc:  # a bug must not stop the job; every item of the batch shows it
        log.exception("job %s batch failed", job.id)
        for item in items:
            progress.item_failed(item, unexpected_error(exc))
        return ItemState.FAILED
    seconds = (time.perf_counter() - started) / len(items)
    failed = 0
    for item in items:
        outcome = results.get(item.key)
        if isinstance(outcome, dict):
            progress.item_done(item, outcome, seconds)
        else:
            failed += 1
            progress.item_failed(item, str(outcome) if outcome else unexpected_error(None))
    return ItemState.FAILED if failed else ItemState.DONE


def units(job: Job, keys: list[str]) -> list[list[str]]:
    """The keys as the tasks take them: batches for a batch step, else one key a task."""
    size = BATCH_SIZES.get(job.kind)
    if not size:
        return [[key] for key in keys]
    return [keys[i : i + size] for i in range(0, len(keys), size)]


def run_unit(job_id: str, school_id: str, batched: bool, keys: list[str]) -> int:
    """Run one task's worth of items here; return how many items it covered."""
    if batched:
        run_batch(job_id, keys, school_id=school_id)
    else:
        run_item(job_id, keys[0], school_id=school_id)
    return len(keys)


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


def unexpected_error(exc: BaseException | None) -> str:
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
# A job never puts all its tasks in the broker at once. A task does one *unit* of the job: one
# item, or for a batch step (``BATCH_STEPS``) a batch of up to ``BATCH_SIZES`` items. ``_dispatch``
# sends the first ``JOB_WINDOW`` units; each unit, when it ends on a worker, sends the next one
# (``_next``). The broker's queue therefore holds a few tasks of every running job, interleaved,
# and the workers (prefetch 1, late acks) take them in turn: a school whose close has 2,000
# documents and a school whose close has 50, queued a moment later, share the workers half and
# half, and the small one finishes first instead of waiting for the whole big one.
#
# ``JobItem.queued_at`` marks an item whose task is in the broker or running (every item of a
# batch). Claims are conditional updates, so two workers never send the same item; the job is
# finished by the one that finds nothing left queued or to send, claimed through
# ``Job.finished_at``. A task taken by a worker that died keeps its items marked until the broker
# hands it to another worker (``VEDOMOST_BROKER_VISIBILITY_TIMEOUT``), which then sends on.


def window() -> int:
    """Tasks (units) of one job in the broker at once (``VEDOMOST_JOB_WINDOW``)."""
    from django.conf import settings

    return max(1, int(getattr(settings, "JOB_WINDOW", 8)))


def _claim(job: Job, count: int) -> list[list[str]]:
    """Mark the items of up to ``count`` units, pending and not yet sent, as sent (first by id);
    the claimed keys as units."""
    size = BATCH_SIZES.get(job.kind) or 1
    wanted = count * size
    claimed: list[str] = []
    while len(claimed) < wanted:
        candidates = list(
            JobItem.objects.filter(
                job_id=job.id, state=ItemState.PENDING, queued_at__isnull=True
            ).values_list("pk", "key")[: wanted - len(claimed)]
        )
        if not candidates:
            break
        now = timezone.now()
        for pk, key in candidates:
            if JobItem.objects.filter(pk=pk, queued_at__isnull=True).update(queued_at=now):
                claimed.append(key)
    return units(job, claimed)


def _send(job: Job, claimed: list[list[str]]) -> None:
    """Send claimed units; if the broker fails, the ones not sent are released for a retry."""
    job_id = str(job.id)
    queue = QUEUES.get(job.kind, "celery")
    options = {"school_id": job.school_id, "windowed": True}
    batched = job.kind in BATCH_STEPS
    for n, unit in enumerate(claimed):
        try:
            if batched:
                run_batch.apply_async((job_id, unit), options, queue=queue)
            else:
                run_item.apply_async((job_id, unit[0]), options, queue=queue)
        except BaseException:
            rest = [key for later in claimed[n:] for key in later]
            JobItem.objects.filter(job_id=job_id, key__in=rest).update(queued_at=None)
            raise


def _next(job: Job, keys: list[str], outcome: str) -> None:
    """After a windowed unit: free its slot, send the job's next unit or finish the job."""
    job_id = str(job.id)
    JobItem.objects.filter(job_id=job_id, key__in=keys).update(queued_at=None)
    if outcome == ItemState.PENDING and not progress.is_cancelled(job_id):
        return  # not run (a retry will send it again): nothing to do here
    if not progress.is_cancelled(job_id):
        claimed = _claim(job, 1)
        if claimed:
            _send(job, claimed)
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
    """Send the first window of the job's pending units (an earlier sending is forgotten: items
    are idempotent, so one still in the broker at worst finds its work done)."""
    job_id = str(job.id)
    failed = JobItem.objects.filter(job_id=job_id, state=ItemState.FAILED, key__in=keys)
    failed.update(state=ItemState.PENDING, error="")  # asked for again: run like the others
    JobItem.objects.filter(job_id=job_id, state=ItemState.PENDING).update(queued_at=None)
    Job.objects.filter(pk=job_id).exclude(state=JobState.CANCELLED).update(finished_at=None)
    claimed = _claim(job, window()) if keys else []
    if not claimed:  # nothing to run: finish now
        queue = QUEUES.get(job.kind, "celery")
        finish_job.apply_async((None, job_id), {"school_id": job.school_id}, queue=queue)
        return
    _send(job, claimed)


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
                for unit in units(job, keys):
                    if progress.is_cancelled(str(job.id)):
                        break
                    run_unit(str(job.id), job.school_id, job.kind in BATCH_STEPS, unit)
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
    batched = job.kind in BATCH_STEPS
    run = functools.partial(run_unit, str(job.id), job.school_id, batched)
    report = on_item or (lambda done, total: None)
    todo = units(job, keys)
    if workers <= 1 or len(todo) < 2:
        done = 0
        for unit in todo:
            if progress.is_cancelled(str(job.id)):
                break
            done += run(unit)
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
            done = 0
            for covered in pool.map(run, todo, chunksize=1 if batched else 2):
                done += covered
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
