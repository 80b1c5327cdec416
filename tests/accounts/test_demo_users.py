"""Demo users of ``vedomost serve``: one per role, generated passwords, kept across starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from service.accounts.demo_users import ensure_demo_users
from service.accounts.permissions import Action, Target, can
from service.accounts.roles import Role
from tests.accounts.factories import SCHOOL, tiny_snapshot


@pytest.mark.django_db
def test_demo_users_per_role_stable_passwords_and_rebinding(tmp_path: Path) -> None:
    """GIVEN no users WHEN serve starts twice THEN the same 7 users and passwords; the file is
    private; after an import of another school they are bound to it."""
    secrets_file = tmp_path / "demo-users.json"
    first = ensure_demo_users("demo", None, secrets_file)
    assert {tuple(u.roles) for u in first} >= {(Role.DIRECTOR.value,), (Role.PD_OFFICER.value,)}
    assert len(first) == len(Role) and secrets_file.stat().st_mode & 0o077 == 0
    director = get_user_model().objects.get(username="director")
    assert director.check_password(next(u.password for u in first if u.username == "director"))
    second = ensure_demo_users(SCHOOL, tiny_snapshot(), secrets_file)
    assert [u.password for u in second] == [u.password for u in first]
    teacher = get_user_model().objects.get(username="classteacher")
    assert (teacher.profile.school_id, teacher.profile.staff_id) == (SCHOOL, "T1")
    assert can(teacher, Action.PRINT_STATEMENTS, Target(SCHOOL, "5А"), snapshot=tiny_snapshot())
