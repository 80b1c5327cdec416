"""Closing a period: plan and start generating its documents, then follow the close."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from service.accounts.permissions import Action, can, school_of
from service.api.schemas import DENIED, NOT_FOUND, CloseIn, CloseOut, ErrorOut, responses
from service.jobs.models import PeriodClose

router = Router(tags=["period close"])


def _close_out(close: PeriodClose) -> dict[str, Any]:
    return {
        "id": str(close.id),
        "period_id": close.period_id,
        "period_name": close.period_name,
        "state": close.state,
        "state_label": close.get_state_display(),
        "documents": close.render_job.total if close.render_job else 0,
        "render_job": str(close.render_job_id) if close.render_job_id else None,
        "sign_job": str(close.sign_job_id) if close.sign_job_id else None,
        "archive_job": str(close.archive_job_id) if close.archive_job_id else None,
    }


@router.post("/period-closes", response=responses(_202=CloseOut, _400=ErrorOut, _403=ErrorOut))
def start_period_close(request: HttpRequest, body: CloseIn) -> Status[Any]:
    """Plan and start generating a period's documents (poll the render job)."""
    from service.accounts.snapshots import current_snapshot
    from service.jobs.close_engine import open_close
    from service.jobs.close_plan import CloseProblem, resolve_target

    if not can(request.user, Action.PREPARE_PERIOD):
        return Status(403, DENIED)
    snapshot = current_snapshot(school_of(request.user) or "")
    if snapshot is None:
        return Status(400, {"detail": "Журнал ещё не загружен"})
    classes = set(body.classes) if body.classes is not None else None
    try:  # an empty list is refused: no selection means nothing, not everything
        target = resolve_target(snapshot, body.period_id)
        close, _resumed = open_close(request.user, snapshot, target, classes, start=True)
    except CloseProblem as exc:
        return Status(400, {"detail": str(exc)})
    return Status(202, _close_out(close))


@router.get(
    "/period-closes/{close_id}", response=responses(_200=CloseOut, _403=ErrorOut, _404=ErrorOut)
)
def get_period_close(request: HttpRequest, close_id: str) -> Status[Any]:
    """A period close and the ids of its jobs."""
    from service.jobs.close_engine import check_stale

    if not can(request.user, Action.PREPARE_PERIOD):
        return Status(403, DENIED)
    try:
        uuid.UUID(close_id)
    except ValueError:
        return Status(404, NOT_FOUND)
    close = PeriodClose.objects.filter(pk=close_id, school_id=school_of(request.user)).first()
    if close is None:
        return Status(404, NOT_FOUND)
    return Status(200, _close_out(check_stale(close)))
