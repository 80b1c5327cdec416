"""The Vedomost JSON API: jobs, period close, import, archive, verification (OpenAPI at /api/openapi.json)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI

from service.accounts.permissions import Action, can, school_of
from service.api.auth import AUTH
from service.api.schemas import ErrorOut, JobOut
from service.jobs import progress
from service.jobs.models import Job

api = NinjaAPI(
    title="Ведомость API",
    version="1",
    description="Загрузка выгрузок журнала, закрытие периода, задания, архив и проверка подписи.",
    auth=AUTH,
    urls_namespace="api",
)


def job_out(job_id: str) -> dict[str, Any]:
    """A job's status as the API returns it."""
    status = progress.status(job_id)
    data = asdict(status)
    data["finished"] = status.finished
    return data


@api.get("/jobs/{job_id}", response={200: JobOut, 403: ErrorOut, 404: ErrorOut}, tags=["jobs"])
def get_job(request: HttpRequest, job_id: str) -> tuple[int, dict[str, Any]]:
    """Poll a background job."""
    if not can(request.user, Action.VIEW_DASHBOARD):
        return 403, {"detail": "Недостаточно прав"}
    job = Job.objects.filter(pk=job_id, school_id=school_of(request.user)).first() if _uuid(job_id) else None
    if job is None:
        return 404, {"detail": "Задание не найдено"}
    return 200, job_out(str(job.id))


def _uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
