"""The roles of school staff, kept as Django groups (one group per role)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DIRECTOR = "director"
    DEPUTY = "deputy_director"
    JOURNAL_ADMIN = "journal_admin"
    SECRETARY = "secretary"
    CLASS_TEACHER = "class_teacher"
    TEACHER = "teacher"
    PD_OFFICER = "pd_officer"


ROLE_LABELS: dict[Role, str] = {
    Role.DIRECTOR: "Директор",
    Role.DEPUTY: "Заместитель директора по УВР",
    Role.JOURNAL_ADMIN: "Администратор электронного журнала",
    Role.SECRETARY: "Секретарь",
    Role.CLASS_TEACHER: "Классный руководитель",
    Role.TEACHER: "Учитель",
    Role.PD_OFFICER: "Ответственный за обработку ПДн",
}


def ensure_groups() -> None:
    """Create the Django group of every role if missing."""
    from django.contrib.auth.models import Group

    for role in Role:
        Group.objects.get_or_create(name=role.value)


def roles_of(user: object) -> frozenset[Role]:
    """The roles of a user (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_vedomost_roles", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
    roles = frozenset(r for r in Role if r.value in names)
    user._vedomost_roles = roles  # type: ignore[attr-defined]
    return roles
