"""Background jobs: list, poll, retry the failed items."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from service.accounts.permissions import Action, can, school_of
from service.api.schemas import DENIED, ErrorOut, JobListQuery, JobOut, responses
from service.jobs import progress
from service.jobs.models import Job

router = Router(tags=["jobs"])


def job_out(job_id: str) -> dict[str, Any]:
    """A job's status as the API returns it."""
    status = progress.status(job_id)
    data = asdict(status)
    data["finished"] = status.finished
    return data


def _job_of(request: HttpRequest, job_id: str) -> Job | None:
    try:
        uuid.UUID(job_id)
    except ValueError:
        return None
    return Job.objects.filter(pk=job_id, school_id=school_of(request.user)).first()


@router.get("/jobs", response=responses(_200=list[JobOut], _403=ErrorOut))
def list_jobs(request: HttpRequest, query: Query[JobListQuery]) -> Status[Any]:
    """The school's latest background jobs, newest first."""
    if not can(request.user, Action.VIEW_DASHBOARD):
        return Status(403, DENIED)
    jobs = Job.objects.filter(school_id=school_of(request.user))
    if query.kind:
        jobs = jobs.filter(kind=query.kind)
    return Status(200, [job_out(str(j.id)) for j in jobs[: query.limit]])


@router.get("/jobs/{job_id}", response=responses(_200=JobOut, _403=ErrorOut, _404=ErrorOut))
def get_job(request: HttpRequest, job_id: str) -> Status[dict[str, Any]]:
    """Poll a background job: counts, percent, per-item errors, result."""
    if not can(request.user, Action.VIEW_DASHBOARD):
        return Status(403, DENIED)
    job = _job_of(request, job_id)
    if job is None:
        return Status(404, {"detail": "Задание не найдено"})
    return Status(200, job_out(str(job.id)))


@router.post("/jobs/{job_id}/retry", response=responses(_202=JobOut, _403=ErrorOut, _404=ErrorOut))
def retry_job(request: HttpRequest, job_id: str) -> Status[dict[str, Any]]:
    """Run a job's failed items again."""
    from service.jobs.tasks import retry_failed

    if not can(request.user, Action.PREPARE_PERIOD):
        return Status(403, DENIED)
    job = _job_of(request, job_id)
    if job is None:
        return Status(404, {"detail": "Задание не найдено"})
    retry_failed(job)
    return Status(202, job_out(str(job.id)))
