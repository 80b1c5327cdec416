"""The finisher of a close's archive job: the year's inventory where Celery workers archive.

Loaded by name through ``steps.STEP_MODULES`` (nothing imports it), because it needs both the
close's modules and the scheduler's unattended key: imported from ``period_steps`` it would tie
them into a cycle.
"""

from __future__ import annotations

import logging
from typing import Any

from service.jobs.models import ItemState, Job, JobItem, PeriodClose
from service.jobs.steps import FINISHERS
from service.jobs.year_inventory import (
    FAILED,
    NO_KEY,
    inventory_signer,
    make_inventory_once,
    wants_inventory,
)

log = logging.getLogger(__name__)


def finish_archive(job: Job) -> dict[str, Any]:
    """Finisher of a close's archive job run by Celery workers: the year's inventory.

    Runs in the worker that finished the last item. In-process runs leave it to the signing
    thread, which holds the key the documents were signed with. A failure becomes the close's
    error and never keeps the job from finishing.
    """
    from service.jobs.monthly import scheduled_signer
    from service.jobs.tasks import in_process

    if in_process():
        return {}
    close = PeriodClose.objects.filter(pk=job.params.get("close_id")).first()
    if close is None or close.archive_job_id != job.id or not wants_inventory(close):
        return {}
    if JobItem.objects.filter(job=job).exclude(state=ItemState.DONE).exists():
        return {}  # some documents failed: the inventory waits for the retry that mends them
    actor = job.params.get("signer", "") or job.params.get("actor", "") or "vedomost"
    try:
        signer = scheduled_signer()
        if signer is None:
            PeriodClose.objects.filter(pk=close.pk).update(error=NO_KEY)
            return {"inventory": "no-key"}
        outcome = make_inventory_once(close, inventory_signer(signer), actor)
    except Exception:
        log.exception("year inventory of close %s failed", close.pk)
        PeriodClose.objects.filter(pk=close.pk).update(error=FAILED)
        return {"inventory": "failed"}
    if outcome is None:
        return {"inventory": "claimed"}
    return {"inventory": outcome.document_id, "version": outcome.version, "reused": outcome.reused}


FINISHERS["period-archive"] = finish_archive
