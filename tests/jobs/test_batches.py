"""Batch steps: several items of a job per task, each item's outcome recorded on its own."""

from __future__ import annotations

import pytest

import tests.jobs.steps_for_tests  # noqa: F401  (registers the test steps)
from service.jobs import progress
from service.jobs.models import ItemState, JobItem
from service.jobs.progress import PlannedItem, create_job
from service.jobs.tasks import run_inline, start_job, units

pytestmark = pytest.mark.django_db(transaction=True)


def test_items_run_in_batches_and_fail_one_by_one() -> None:
    """GIVEN 19 items of a batch kind (8 a task), one bad WHEN run THEN 3 tasks, 18 items done
    with their batch's keys, the bad one failed with its own Russian message; a rerun of the
    job leaves done items alone."""
    planned = [PlannedItem(f"doc-{i:02}", f"Документ {i}") for i in range(18)]
    planned.append(PlannedItem("bad-1", "Плохой документ"))
    job = create_job("sch-1", "test-batch", planned)
    keys = [p.key for p in planned]
    assert [len(u) for u in units(job, keys)] == [8, 8, 3]

    start_job(job, inline=True)
    status = progress.status(str(job.id))
    assert (status.state, status.done, status.failed) == ("failed", 18, 1)
    assert [(e.key, e.error) for e in status.errors] == [("bad-1", "Документ bad-1: нет данных")]
    first = JobItem.objects.get(job=job, key="doc-00")
    assert first.result["batch"] == [f"doc-{i:02}" for i in range(8)]
    assert first.result["attempt"] == 1

    progress.reset_failed(str(job.id))
    run_inline(job)
    done = JobItem.objects.filter(job=job, state=ItemState.DONE)
    assert done.count() == 18 and all(i.attempts == 1 for i in done)
    assert JobItem.objects.get(job=job, key="bad-1").attempts == 2
