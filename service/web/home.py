"""Each role's home: where a user lands after login and which dashboard cards they can act on.

Kept apart from the dashboard view so that the per-role rules live in one place: the director and
the deputy keep the dashboard; a class teacher opens on her class, the secretary on orders, the
personal-data officer on the consent register. Anyone holding a role that works from the
dashboard (director, deputy, journal administrator) stays on it.
"""

from __future__ import annotations

from django.urls import reverse

from service.accounts.permissions import Action, can, school_of
from service.accounts.roles import Role, roles_of
from service.accounts.scope import teaching_scope

DASHBOARD_ROLES = frozenset({Role.DIRECTOR, Role.DEPUTY, Role.JOURNAL_ADMIN})
"""Roles whose work starts on the dashboard (period close, signatures, archive care)."""


def led_classes(user: object, snapshot: object) -> list[object]:
    """The classes the user leads as class teacher, in grade order."""
    profile = getattr(user, "profile", None)
    if snapshot is None or profile is None or Role.CLASS_TEACHER not in roles_of(user):
        return []
    scope = teaching_scope(school_of(user) or "", profile.staff_id, snapshot=snapshot)
    led = [c for c in snapshot.classes if c.id in scope.led_classes]  # type: ignore[attr-defined]
    return sorted(led, key=lambda c: (c.grade, c.letter))


def home_url(user: object, snapshot: object) -> str | None:
    """Where the user's work starts, or ``None`` for the dashboard."""
    roles = roles_of(user)
    if roles & DASHBOARD_ROLES:
        return None
    if Role.SECRETARY in roles and can(user, Action.MANAGE_ORDERS):
        return reverse("web:orders")
    if Role.PD_OFFICER in roles and can(user, Action.VIEW_CONSENTS):
        return reverse("web:consents")
    led = led_classes(user, snapshot)
    if led:
        return reverse("web:class_detail", args=[led[0].id])  # type: ignore[attr-defined]
    return None


def dashboard_cards(user: object) -> dict[str, bool]:
    """Which dashboard cards the user can act on (a card nobody can act on is not shown)."""
    return {
        "period": True,
        "close_state": can(user, Action.PREPARE_PERIOD),
        "signatures": can(user, Action.SIGN_PERIOD) or can(user, Action.PREPARE_PERIOD),
        "archive": can(user, Action.SEARCH_ARCHIVE) or can(user, Action.RUN_AUDIT),
        "audit": can(user, Action.RUN_AUDIT),
        "care": can(user, Action.RUN_AUDIT),
        "jobs": can(user, Action.PREPARE_PERIOD) or can(user, Action.RUN_AUDIT),
    }
