"""The dashboard: current period and its state, waiting signatures, replication, last audit,
the scheduled care of the archive and whether its two stores are really in two places."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from service.accounts.permissions import Action, can, school_of
from service.accounts.roles import ROLE_LABELS, roles_of
from service.jobs.models import ItemState, Job
from service.web.access import require, school_snapshot
from service.web.archive_status import archive_status
from service.web.home import dashboard_cards, home_url


def _current_period(snapshot: Any, today: dt.date) -> Any:
    day = min(today, snapshot.as_of)
    period = snapshot.period_of(day)
    if period is None:
        ended = [p for p in snapshot.year.periods if p.end <= day]
        period = ended[-1] if ended else snapshot.year.periods[0]
    return period


@require(Action.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The first page after login: the user's home (class, orders, consents) or the summary."""
    snapshot = school_snapshot(request)
    target = home_url(request.user, snapshot)
    if target is not None:
        return redirect(target)
    return _summary(request, snapshot)


@require(Action.VIEW_DASHBOARD)
def summary(request: HttpRequest) -> HttpResponse:
    """The summary page, also for users whose home is elsewhere."""
    return _summary(request, school_snapshot(request))


def _summary(request: HttpRequest, snapshot: Any) -> HttpResponse:
    from service.archive.wiring import store_placement_warning
    from service.config import ConfigError
    from service.jobs.models import PeriodClose
    from service.jobs.scheduler import overview

    school = school_of(request.user) or ""
    period = _current_period(snapshot, timezone.localdate()) if snapshot else None
    from service.jobs.close_engine import RUNNING, check_stale

    closes = [  # a close whose runner is gone (a restart) shows as interrupted, with a retry
        check_stale(c) if c.state in RUNNING else c
        for c in PeriodClose.objects.filter(school_id=school).order_by("-created_at")[:10]
    ]
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
        "recent_jobs": Job.objects.filter(school_id=school).annotate(
            done=Count("items", filter=Q(items__state=ItemState.DONE))
        )[:5],
        "archive": archive_status(school),
        "placement_warning": placement,
        "care": overview(),
        "roles": [ROLE_LABELS[r] for r in sorted(roles_of(request.user))],
        "may": {a.value: can(request.user, a) for a in Action},
        "cards": dashboard_cards(request.user),
        # Monthly duties: paper substitution logs still owed (None: not this user's concern).
        "monthly_dues": _monthly_dues(request.user, school),
    }
    return render(request, "web/dashboard.html", context)


def _monthly_dues(user: Any, school: str) -> list[Any] | None:
    from service.jobs.monthly import open_dues

    return open_dues(school) if can(user, Action.PREPARE_PERIOD) else None
