"""The job machinery with a REAL Celery worker on Redis: progress, errors, retry, redelivery."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

import tests.jobs.steps_for_tests  # noqa: F401  (registers the test step in this process too)
from service.jobs import progress
from service.jobs.models import ItemState, JobItem, TaskTiming
from service.jobs.progress import PlannedItem, create_job
from service.jobs.tasks import retry_failed, run_item, start_job

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def _wait(job_id: str, timeout: float = 60) -> progress.JobStatus:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = progress.status(job_id)
        if status.finished:
            return status
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {progress.status(job_id)}")


def test_batch_progress_errors_and_retry(celery_worker: object) -> None:
    """GIVEN 6 items, one failing WHEN run THEN 5 done, 1 error shown; a retry mends it."""
    items = [PlannedItem(f"doc-{i}", f"Документ {i}", {"sleep": 0.1}) for i in range(5)]
    items.append(PlannedItem("bad-1", "Плохой документ"))
    job = create_job("sch-1", "test-work", items)
    start_job(job)
    status = _wait(str(job.id))
    assert (status.state, status.done, status.failed, status.percent) == ("failed", 5, 1, 100)
    assert status.errors[0].key == "bad-1" and "нет данных" in status.errors[0].error
    pids = {i.result["pid"] for i in JobItem.objects.filter(job=job, state=ItemState.DONE)}
    assert os.getpid() not in pids  # the work ran in the worker's processes
    assert TaskTiming.objects.filter(task="vedomost.run_item", school_id="sch-1").count() == 6

    Path(os.environ["VEDOMOST_DATA_DIR"], f"pid-{job.id}-bad-1.mended").write_text("")
    assert retry_failed(job) == ["bad-1"]
    status = _wait(str(job.id))
    assert (status.state, status.done, status.failed) == ("done", 6, 0)
    assert status.result == {"items": 6}


def test_duplicate_task_does_not_redo_a_done_item(celery_worker: object) -> None:
    """A task delivered twice for the same document id finds the item done and leaves it alone."""
    job = create_job("sch-1", "test-work", [PlannedItem("doc-x", "X")])
    start_job(job)
    _wait(str(job.id))
    first = JobItem.objects.get(job=job)
    again = run_item.delay(str(job.id), "doc-x", school_id="sch-1").get(timeout=30)
    second = JobItem.objects.get(job=job)
    assert again == "done"
    assert (second.attempts, second.result) == (first.attempts, first.result) == (1, first.result)


def test_killed_worker_process_task_is_redone(celery_worker: object) -> None:
    """acks_late: GIVEN a task running WHEN its worker process is killed THEN it runs again."""
    job = create_job("sch-1", "test-work", [PlannedItem("doc-slow", "Долгий", {"sleep": 3})])
    start_job(job)
    pid_file = Path(os.environ["VEDOMOST_DATA_DIR"], f"pid-{job.id}-doc-slow")
    deadline = time.monotonic() + 30
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    victim = int(pid_file.read_text())
    pid_file.unlink()
    os.kill(victim, signal.SIGKILL)
    status = _wait(str(job.id), timeout=90)
    item = JobItem.objects.get(job=job)
    assert status.state == "done"
    assert item.attempts == 2 and item.result["pid"] != victim


def test_beat_schedule_and_audit_runs_on_the_audit_queue(celery_worker: object) -> None:
    """The beat schedule is the scheduled care (daily audit slice, weekly backup, …); a duty sent
    by name is routed to the audit queue, runs on the worker and records its run; a plain audit
    sent by name records its summary."""
    from celery.schedules import crontab

    from service.archive.catalog import DjangoCatalog
    from service.celery import app
    from service.jobs.models import ScheduledRun
    from service.jobs.schedule import BEAT_SCHEDULE, DUTIES

    tasks = {name: entry["task"] for name, entry in BEAT_SCHEDULE.items()}
    assert {d.task for d in DUTIES} <= set(tasks.values())
    weekly = BEAT_SCHEDULE["care.backup_catalog"]["schedule"]
    assert isinstance(weekly, crontab) and weekly.day_of_week == {0}
    assert app.conf.beat_schedule == BEAT_SCHEDULE
    assert app.amqp.router.route({}, "care.fixity_slice")["queue"].name == "audit"
    assert app.amqp.router.route({}, "archive.fixity_audit")["queue"].name == "audit"

    assert app.send_task("care.fixity_slice").get(timeout=60) == "ok"
    run = ScheduledRun.objects.get(task="care.fixity_slice")
    assert run.summary == "в архиве нет документов: проверять нечего"
    assert app.send_task("care.fixity_slice").get(timeout=60) == "skipped"  # same due time

    result = app.send_task("archive.fixity_audit", kwargs={"sample": 10, "repair": True})
    assert result.get(timeout=60)["checked"] == 0
    assert '"checked": 0' in (DjangoCatalog().get_state("last_audit") or "")
