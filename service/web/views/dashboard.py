"""The dashboard: current period and its state, waiting signatures, replication, last audit,
the scheduled care of the archive and whether its two stores are really in two places."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from service.accounts.permissions import Action, can, school_of
from service.accounts.roles import ROLE_LABELS, roles_of
from service.jobs.models import Job
from service.web.access import require, school_snapshot
from service.web.archive_status import archive_status


def _current_period(snapshot: Any, today: dt.date) -> Any:
    day = min(today, snapshot.as_of)
    period = snapshot.period_of(day)
    if period is None:
        ended = [p for p in snapshot.year.periods if p.end <= day]
        period = ended[-1] if ended else snapshot.year.periods[0]
    return period


@require(Action.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The first page after login."""
    from service.archive.wiring import store_placement_warning
    from service.config import ConfigError
    from service.jobs.models import PeriodClose
    from service.jobs.scheduler import overview

    school = school_of(request.user) or ""
    snapshot = school_snapshot(request)
    period = _current_period(snapshot, timezone.localdate()) if snapshot else None
    closes = PeriodClose.objects.filter(school_id=school).order_by("-created_at")[:10]
    waiting = [c for c in closes if c.state == PeriodClose.State.RENDERED]
    try:
        placement = store_placement_warning()
    except ConfigError as exc:
        placement = f"хранилища настроены неверно: {exc.variable}: {exc.problem}"
    context = {
        "snapshot": snapshot,
        "period": period,
        "closes": closes,
        "waiting_signature": waiting,
        "recent_jobs": Job.objects.filter(school_id=school)[:5],
        "archive": archive_status(school),
        "placement_warning": placement,
        "care": overview(),
        "roles": [ROLE_LABELS[r] for r in sorted(roles_of(request.user))],
        "may": {a.value: can(request.user, a) for a in Action},
    }
    return render(request, "web/dashboard.html", context)
