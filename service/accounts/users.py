"""Creating staff users bound to a school with their roles."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction

from service.accounts.models import Profile
from service.accounts.roles import Role, ensure_groups


@transaction.atomic
def create_user(
    username: str,
    school_id: str,
    roles: Iterable[Role],
    *,
    password: str | None = None,
    staff_id: str = "",
    full_name: str = "",
) -> object:
    """Create a user of ``school_id`` with ``roles``; without a password it cannot log in."""
    from django.contrib.auth.models import Group

    ensure_groups()
    user = get_user_model().objects.create_user(username=username, password=password)
    Profile.objects.create(user=user, school_id=school_id, staff_id=staff_id, full_name=full_name)
    user.groups.set(Group.objects.filter(name__in=[Role(r).value for r in roles]))
    return user
