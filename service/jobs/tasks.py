"""Celery tasks: thin wrappers that resolve ids and call the plain step functions."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from celery import chord, shared_task

from service.jobs import progress
from service.jobs.base import TRANSIENT_ERRORS, SchoolTask
from service.jobs.models import ItemState, Job, JobItem
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
def run_item(self: SchoolTask, job_id: str, key: str, *, school_id: str) -> str:
    """Do one item of a job unless it is already done (idempotent by the item's key)."""
    load_steps()
    item = JobItem.objects.select_related("job").get(job_id=job_id, key=key)
    if item.state == ItemState.DONE:
        return item.state
    if progress.is_cancelled(job_id):
        return ItemState.PENDING
    job = item.job
    JobItem.objects.filter(pk=item.pk).update(attempts=item.attempts + 1)
    started = time.perf_counter()
    try:
        result = STEPS[job.kind](job, item)
    except StepError as exc:
        progress.item_failed(item, str(exc))
        return ItemState.FAILED
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:  # one document's bug must not stop the batch; the error is shown
        log.exception("job %s item failed", job_id)
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
def run_batch(self: SchoolTask, job_id: str, keys: list[str], *, school_id: str) -> str:
    """Do a batch of a job's items in one task (a batch step); items already done are skipped,
    and each item's outcome is recorded on its own."""
    from django.db.models import F

    load_steps()
    if progress.is_cancelled(job_id):
        return ItemState.PENDING
    job = Job.objects.get(pk=job_id)
    items = list(JobItem.objects.filter(job_id=job_id, key__in=keys).exclude(state=ItemState.DONE))
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
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:  # a bug must not stop the job; every item of the batch shows it
        log.exception("job %s batch failed", job_id)
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
    """Chord callback: run the job kind's finisher and close the job."""
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


def _dispatch(job: Job, keys: list[str]) -> None:
    queue = QUEUES.get(job.kind, "celery")
    school = job.school_id
    header = [
        (
            run_batch.s(str(job.id), unit, school_id=school)
            if job.kind in BATCH_STEPS
            else run_item.s(str(job.id), unit[0], school_id=school)
        ).set(queue=queue)
        for unit in units(job, keys)
    ]
    callback = finish_job.s(str(job.id), school_id=school).set(queue=queue)
    if header:
        chord(header)(callback)
    else:
        callback.delay(None)


def in_process() -> bool:
    """Whether jobs run in this process (no broker: the embedded default)."""
    from service.celery import app

    return bool(app.conf.task_always_eager)


def start_job(job: Job, keys: list[str] | None = None, *, inline: bool = False) -> None:
    """Run a job's items as a Celery chord; in-process (thread, or ``inline``) without a broker."""
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
