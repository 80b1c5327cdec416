"""Fair sharing of the workers between schools, with a REAL Celery worker (2 processes) on Redis.

A big school's job is queued first and a small school's right after. With the job window the
two take turns on the workers and the small one finishes long before the big one; without it
(a window as large as the job) the small one waits behind every item of the big one. The
assertions are on the order of completion (item and job end times), never on durations.
"""

from __future__ import annotations

import time

import pytest

import tests.jobs.steps_for_tests  # noqa: F401  (registers the test step in this process too)
from service.jobs import progress
from service.jobs.models import ItemState, Job, JobItem
from service.jobs.progress import PlannedItem, create_job
from service.jobs.tasks import start_job

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

BIG, SMALL = 24, 4


def _wait(job_id: str, timeout: float = 120) -> progress.JobStatus:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = progress.status(job_id)
        if status.finished:
            return status
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {progress.status(job_id)}")


def _job(school: str, count: int) -> Job:
    items = [PlannedItem(f"doc-{i:02d}", f"Документ {i}", {"sleep": 0.15}) for i in range(count)]
    return create_job(school, "test-work", items)


def _big_done_when_small_finished() -> tuple[int, Job, Job]:
    big, small = _job("school-big", BIG), _job("school-small", SMALL)
    start_job(big)
    start_job(small)
    assert _wait(str(small.id)).state == "done"
    assert _wait(str(big.id)).state == "done"
    big.refresh_from_db()
    small.refresh_from_db()
    small_last = max(JobItem.objects.filter(job=small).values_list("updated_at", flat=True))
    big_done = JobItem.objects.filter(
        job=big, state=ItemState.DONE, updated_at__lte=small_last
    ).count()
    return big_done, big, small


def test_a_small_schools_job_finishes_while_a_big_one_queued_first_runs(
    celery_worker: object, settings: object
) -> None:
    """GIVEN a window of 2 items per job WHEN a big school's job (24 items) is queued and a
    small school's (4 items) right after THEN the small one is done while most of the big one
    is still to do, and the big one finishes last; nothing is left marked as queued."""
    settings.JOB_WINDOW = 2  # type: ignore[attr-defined]
    big_done, big, small = _big_done_when_small_finished()
    assert big_done <= BIG // 2, big_done
    assert small.finished_at < big.finished_at
    assert not JobItem.objects.filter(job__in=[big, small], queued_at__isnull=False).exists()
    assert big.result == {"items": BIG} and small.result == {"items": SMALL}


def test_without_a_window_the_small_school_waits_for_the_whole_big_job(
    celery_worker: object, settings: object
) -> None:
    """The control: with a window as large as the big job, the queue is first come, first
    served, and the small school's job ends only after (nearly) every item of the big one."""
    settings.JOB_WINDOW = 100  # type: ignore[attr-defined]
    big_done, _big, _small = _big_done_when_small_finished()
    assert big_done >= BIG - 1, big_done


def test_cancelled_windowed_job_sends_nothing_more_and_resumes(
    celery_worker: object, settings: object
) -> None:
    """GIVEN a windowed job running WHEN it is cancelled THEN its items not sent stay pending and
    the job stays cancelled; a retry sends them and the job ends done, each item done once."""
    settings.JOB_WINDOW = 2  # type: ignore[attr-defined]
    job = create_job(
        "school-big", "test-work", [PlannedItem(f"c-{i}", params={"sleep": 0.3}) for i in range(10)]
    )
    start_job(job)
    deadline = time.monotonic() + 60
    while JobItem.objects.filter(job=job, state=ItemState.DONE).count() < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    progress.cancel(str(job.id))
    while JobItem.objects.filter(job=job, queued_at__isnull=False).exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)  # nothing more may be sent after the last queued item ended
    done = JobItem.objects.filter(job=job, state=ItemState.DONE).count()
    assert progress.status(str(job.id)).state == "cancelled"
    assert 2 <= done < 10 and JobItem.objects.filter(job=job, state=ItemState.DONE).count() == done

    progress.reset_failed(str(job.id))
    start_job(job)
    status = _wait(str(job.id))
    assert (status.state, status.done) == ("done", 10)
    assert set(JobItem.objects.filter(job=job).values_list("attempts", flat=True)) == {1}


def test_starting_again_runs_failed_items_and_an_empty_job_finishes(
    celery_worker: object, settings: object
) -> None:
    """A job started again runs its failed items too (as before the window); a job with no
    items finishes at once."""
    import os
    from pathlib import Path

    settings.JOB_WINDOW = 2  # type: ignore[attr-defined]
    job = create_job("school-small", "test-work", [PlannedItem("ok-1"), PlannedItem("bad-1")])
    start_job(job)
    assert (_wait(str(job.id)).state, _wait(str(job.id)).failed) == ("failed", 1)
    Path(os.environ["VEDOMOST_DATA_DIR"], f"pid-{job.id}-bad-1.mended").write_text("")
    start_job(job)
    status = _wait(str(job.id))
    assert (status.state, status.done, status.failed) == ("done", 2, 0)
    empty = create_job("school-small", "test-work", [])
    start_job(empty)
    assert _wait(str(empty.id)).state == "done"


def test_a_batch_step_is_windowed_by_whole_batches(celery_worker: object, settings: object) -> None:
    """GIVEN a batch kind (8 items a task), 19 items, one bad, and a window of 1 task WHEN run on
    the worker THEN every item was done in the batch of its unit (claimed together, in order),
    each once, the bad one failed on its own, the job finished once with nothing left queued."""
    settings.JOB_WINDOW = 1  # type: ignore[attr-defined]
    planned = [PlannedItem(f"doc-{i:02}", f"Документ {i}") for i in range(18)]
    planned.append(PlannedItem("bad-1", "Плохой документ"))
    job = create_job("school-small", "test-batch", planned)
    start_job(job)
    status = _wait(str(job.id))
    assert (status.state, status.done, status.failed) == ("failed", 18, 1)
    keys = [p.key for p in planned]
    expected = [sorted(keys[0:8]), sorted(keys[8:16]), sorted(keys[16:])]
    for item in JobItem.objects.filter(job=job, state=ItemState.DONE):
        assert item.result["batch"] in expected, (item.key, item.result)
        assert item.key in item.result["batch"] and item.attempts == 1
    assert not JobItem.objects.filter(job=job, queued_at__isnull=False).exists()
    job.refresh_from_db()
    assert job.result == {"items": 19}
