"""The Vedomost JSON API (OpenAPI at /api/openapi.json); bearer tokens or the browser session."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Query
from ninja.responses import Status

from service.accounts.permissions import Action, can, school_of
from service.accounts.roles import roles_of
from service.api.auth import AUTH
from service.api.schemas import ErrorOut, JobListQuery, JobOut, MeOut, responses
from service.jobs import progress
from service.jobs.models import Job

api = NinjaAPI(
    title="Ведомость API",
    version="1",
    description="Задания, закрытие периода, загрузка журнала, архив и проверка подписи.",
    auth=AUTH,
    urls_namespace="api",
)
DENIED = {"detail": "Недостаточно прав"}


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


@api.get("/me", response=responses(_200=MeOut), tags=["accounts"])
def me(request: HttpRequest) -> Status[dict[str, Any]]:
    """Who the token or session belongs to: user name, school and roles."""
    return Status(
        200,
        {
            "username": request.user.username,
            "school_id": school_of(request.user) or "",
            "roles": sorted(r.value for r in roles_of(request.user)),
        },
    )


@api.get("/jobs", response=responses(_200=list[JobOut], _403=ErrorOut), tags=["jobs"])
def list_jobs(request: HttpRequest, query: Query[JobListQuery]) -> Status[Any]:
    """The school's latest background jobs, newest first."""
    if not can(request.user, Action.VIEW_DASHBOARD):
        return Status(403, DENIED)
    jobs = Job.objects.filter(school_id=school_of(request.user))
    if query.kind:
        jobs = jobs.filter(kind=query.kind)
    return Status(200, [job_out(str(j.id)) for j in jobs[: query.limit]])


@api.get(
    "/jobs/{job_id}", response=responses(_200=JobOut, _403=ErrorOut, _404=ErrorOut), tags=["jobs"]
)
def get_job(request: HttpRequest, job_id: str) -> Status[dict[str, Any]]:
    """Poll a background job: counts, percent, per-item errors, result."""
    if not can(request.user, Action.VIEW_DASHBOARD):
        return Status(403, DENIED)
    job = _job_of(request, job_id)
    if job is None:
        return Status(404, {"detail": "Задание не найдено"})
    return Status(200, job_out(str(job.id)))


@api.post(
    "/jobs/{job_id}/retry",
    response=responses(_202=JobOut, _403=ErrorOut, _404=ErrorOut),
    tags=["jobs"],
)
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


# Operations over the other parts register on the same API object.
import service.api.api_more  # noqa: E402, F401
