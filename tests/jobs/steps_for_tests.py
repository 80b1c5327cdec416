"""Job steps used only by the job-machinery tests (loaded into the test worker with ``-I``).

They exercise the real queueing, progress, idempotency and redelivery with trivial work, so the
tests do not depend on the document pipeline.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from service.jobs.models import Job, JobItem
from service.jobs.steps import StepError, register, register_batch


def _pid_file(job: Job, item: JobItem) -> Path:
    return Path(os.environ["VEDOMOST_DATA_DIR"]) / f"pid-{job.id}-{item.key}"


def _finish(job: Job) -> dict[str, Any]:
    return {"items": job.items.count()}


@register("test-work", queue="render", finisher=_finish)
def work(job: Job, item: JobItem) -> dict[str, Any]:
    """Sleep a little, fail on keys starting with ``bad`` unless the job says to mend them."""
    pid_file = _pid_file(job, item)
    pid_file.write_text(str(os.getpid()))
    time.sleep(float(item.params.get("sleep", 0)))
    if item.key.startswith("bad") and not Path(str(pid_file) + ".mended").exists():
        raise StepError(f"Документ {item.key}: нет данных")
    return {"pid": os.getpid(), "attempt": item.attempts + 1}


@register_batch("test-batch", queue="archive", size=8, finisher=_finish)
def batch(job: Job, items: list[JobItem]) -> dict[str, dict[str, Any] | StepError]:
    """Answer for each item of the batch: keys starting with ``bad`` fail on their own."""
    keys = sorted(i.key for i in items)
    return {
        i.key: StepError(f"Документ {i.key}: нет данных")
        if i.key.startswith("bad")
        else {"batch": keys, "attempt": i.attempts + 1}
        for i in items
    }
