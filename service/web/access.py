"""View helpers: login required, one permission check, the user's school and the current journal."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from service.accounts.permissions import Action, Target, can, school_of
from service.accounts.snapshots import current_snapshot


def require(action: Action) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorator: the user must be logged in and allowed ``action`` in their school."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, action):
                raise PermissionDenied("Недостаточно прав")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def check(
    request: HttpRequest, action: Action, class_id: str | None = None, subject_id: str | None = None
) -> None:
    """Raise ``PermissionDenied`` unless the user may do ``action`` on that class/subject."""
    school = school_of(request.user) or ""
    if not can(request.user, action, Target(school, class_id, subject_id)):
        raise PermissionDenied("Недостаточно прав")


def school_snapshot(request: HttpRequest) -> Any:
    """The current journal snapshot of the user's school, or ``None`` before the first import."""
    school = school_of(request.user)
    return current_snapshot(school) if school else None


def denied(
    request: HttpRequest, reason: str, hint: str = "", links: list[tuple[str, str]] | None = None
) -> HttpResponse:
    """A Russian 403 page that says why and what to do next (``links``: (url, text) pairs)."""
    return render(
        request,
        "web/denied.html",
        {"reason": reason, "hint": hint, "links": links or []},
        status=403,
    )
