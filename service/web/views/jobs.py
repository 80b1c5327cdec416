"""Job progress: a JSON endpoint the pages poll, and retrying failed items."""

from __future__ import annotations

from dataclasses import asdict

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from service.accounts.permissions import Action, can, school_of
from service.jobs import progress
from service.jobs.models import Job
from service.web.access import require
from service.web.redirects import safe_next


def _job_of_user(request: HttpRequest, job_id: str) -> Job:
    job = get_object_or_404(Job, pk=job_id)
    if job.school_id != school_of(request.user):
        raise PermissionDenied("Недостаточно прав")
    return job


@require(Action.VIEW_DASHBOARD)
def job_status(request: HttpRequest, job_id: str) -> JsonResponse:
    """The job's progress as JSON (polled by the progress bar)."""
    job = _job_of_user(request, job_id)
    status = progress.status(str(job.id))
    data = asdict(status)
    data["finished"] = status.finished
    return JsonResponse(data)


@require_POST
@require(Action.PREPARE_PERIOD)
def job_retry(request: HttpRequest, job_id: str) -> HttpResponse:
    """Run a job's failed items again and return to where the user came from."""
    from service.jobs.tasks import retry_failed

    job = _job_of_user(request, job_id)
    if not can(request.user, Action.PREPARE_PERIOD):
        raise PermissionDenied("Недостаточно прав")
    retry_failed(job)
    return redirect(safe_next(request, "web:dashboard"))
