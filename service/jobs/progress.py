"""Plain functions over Job/JobItem rows: create a job, record outcomes, read progress."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from service.jobs.models import ItemState, Job, JobItem, JobState


@dataclass(frozen=True)
class PlannedItem:
    """One unit of work of a job: its key (a document id), a label users read, and parameters."""

    key: str
    label: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemError:
    key: str
    label: str
    error: str


@dataclass(frozen=True)
class JobStatus:
    """Progress of a job as the UI and the API show it."""

    id: str
    kind: str
    state: str
    state_label: str
    stage: str
    total: int
    done: int
    failed: int
    percent: int
    errors: tuple[ItemError, ...]
    result: dict[str, Any]
    error: str
    seconds: float | None
    eta_seconds: float | None = None  # time left at the pace so far; None before the first item

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)

    @property
    def eta_text(self) -> str:
        """Time left in Russian words («осталось около 2 мин»), empty when unknown."""
        return eta_text(self.eta_seconds)


def eta_text(seconds: float | None) -> str:
    """«осталось около 40 с» / «осталось около 3 мин»; empty when unknown."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f"осталось около {max(1, round(seconds))} с"
    return f"осталось около {round(seconds / 60)} мин"


@transaction.atomic
def create_job(
    school_id: str,
    kind: str,
    items: Iterable[PlannedItem],
    *,
    params: dict[str, Any] | None = None,
    user: object = None,
) -> Job:
    """Create a job and its items (keys unique within the job) in one transaction."""
    job = Job.objects.create(
        school_id=school_id,
        kind=kind,
        params=params or {},
        created_by=user if getattr(user, "pk", None) else None,
    )
    rows = [JobItem(job=job, key=i.key, label=i.label, params=i.params) for i in items]
    JobItem.objects.bulk_create(rows, batch_size=500)
    job.total = len(rows)
    job.save(update_fields=["total"])
    return job


def mark_started(job_id: str, stage: str = "") -> None:
    """Record that a job's work has begun."""
    Job.objects.filter(pk=job_id, started_at__isnull=True).update(started_at=timezone.now())
    Job.objects.filter(pk=job_id).update(state=JobState.RUNNING, stage=stage)


def item_done(item: JobItem, result: dict[str, Any], seconds: float) -> None:
    """Store a finished item's result."""
    JobItem.objects.filter(pk=item.pk).update(
        state=ItemState.DONE, result=result, error="", seconds=seconds, updated_at=timezone.now()
    )


def item_failed(item: JobItem, error: str) -> None:
    """Store a failed item's error (a Russian message for users)."""
    JobItem.objects.filter(pk=item.pk).update(
        state=ItemState.FAILED, error=error[:2000], updated_at=timezone.now()
    )


def finish(job_id: str, result: dict[str, Any] | None = None, error: str = "") -> JobStatus:
    """Close a job: done when every item is done, failed otherwise (a cancelled job stays so)."""
    failed = JobItem.objects.filter(job_id=job_id).exclude(state=ItemState.DONE).count()
    state = JobState.FAILED if failed or error else JobState.DONE
    if Job.objects.filter(pk=job_id, state=JobState.CANCELLED).exists():
        state = JobState.CANCELLED
    update: dict[str, Any] = {"state": state, "finished_at": timezone.now(), "error": error}
    if result is not None:
        update["result"] = result
    Job.objects.filter(pk=job_id).update(**update)
    return status(job_id)


def reset_failed(job_id: str) -> list[str]:
    """Put a job's failed items back to pending (for a retry); return their keys."""
    keys = list(
        JobItem.objects.filter(job_id=job_id, state=ItemState.FAILED).values_list("key", flat=True)
    )
    JobItem.objects.filter(job_id=job_id, key__in=keys).update(state=ItemState.PENDING, error="")
    Job.objects.filter(pk=job_id).update(state=JobState.QUEUED, finished_at=None, error="")
    return keys


def status(job_id: str) -> JobStatus:
    """The job's progress, counts and per-item errors."""
    job = Job.objects.get(pk=job_id)
    counts = JobItem.objects.filter(job=job).aggregate(
        done=Count("id", filter=Q(state=ItemState.DONE)),
        failed=Count("id", filter=Q(state=ItemState.FAILED)),
    )
    errors = tuple(
        ItemError(i.key, i.label, i.error)
        for i in JobItem.objects.filter(job=job, state=ItemState.FAILED).order_by("id")[:200]
    )
    finished = counts["done"] + counts["failed"]
    seconds = None
    eta = None
    if job.started_at:
        seconds = ((job.finished_at or timezone.now()) - job.started_at).total_seconds()
        if finished and not job.finished_at:
            eta = seconds / finished * (job.total - finished)
    return JobStatus(
        id=str(job.id),
        kind=job.kind,
        state=job.state,
        state_label=JobState(job.state).label,
        stage=job.stage,
        total=job.total,
        done=counts["done"],
        failed=counts["failed"],
        percent=int(100 * finished / job.total) if job.total else (100 if job.finished_at else 0),
        errors=errors,
        result=job.result,
        error=job.error,
        seconds=seconds,
        eta_seconds=eta,
    )


def cancel(job_id: str) -> None:
    """Mark a job cancelled: its workers skip the items not yet started."""
    Job.objects.filter(pk=job_id).exclude(state=JobState.DONE).update(
        state=JobState.CANCELLED, finished_at=timezone.now()
    )


def is_cancelled(job_id: str) -> bool:
    """Whether a job was cancelled (checked before each item)."""
    return Job.objects.filter(pk=job_id, state=JobState.CANCELLED).exists()
