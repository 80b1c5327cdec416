"""Every cell of the role × action table, with class and subject scoping and school isolation."""

from __future__ import annotations

import pytest

from service.accounts.permissions import TABLE, Action, Grant, Target, can
from service.accounts.roles import Role
from service.accounts.users import create_user
from tests.accounts.factories import (
    CLASS_TEACHER_STAFF,
    OTHER_SCHOOL,
    SCHOOL,
    TEACHER_STAFF,
    tiny_snapshot,
)

SNAP = tiny_snapshot()
STAFF_OF = {Role.CLASS_TEACHER: CLASS_TEACHER_STAFF, Role.TEACHER: CLASS_TEACHER_STAFF}
CELLS = [(action, role) for action in Action for role in Role]


def _user(role: Role) -> object:
    return create_user(f"u-{role.value}", SCHOOL, [role], staff_id=STAFF_OF.get(role, ""))


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "role"), CELLS, ids=[f"{a.value}-{r.value}" for a, r in CELLS])
def test_cell(action: Action, role: Role) -> None:
    """GIVEN a user with one role WHEN asking for an action THEN they get the table's grant."""
    user = _user(role)
    grant = TABLE[action].get(role)
    # T1 leads 5А and teaches maths in 5А and 6Б.
    own = Target(SCHOOL, class_id="5А", subject_id="math")
    foreign = Target(SCHOOL, class_id="6Б", subject_id="rus")
    other_school = Target(OTHER_SCHOOL, class_id="5А", subject_id="math")
    assert can(user, action, other_school, snapshot=SNAP) is False
    if grant is Grant.ALL:
        assert can(user, action, snapshot=SNAP) is True
        assert can(user, action, foreign, snapshot=SNAP) is True
    elif grant is Grant.OWN:
        assert can(user, action, own, snapshot=SNAP) is True
        assert can(user, action, foreign, snapshot=SNAP) is False
    else:
        assert grant is None
        assert can(user, action, snapshot=SNAP) is False
        assert can(user, action, own, snapshot=SNAP) is False


@pytest.mark.django_db
def test_teacher_sees_only_their_subjects_in_a_class() -> None:
    """A teacher of maths in 6Б sees 6Б's maths and the class list, not its Russian marks."""
    user = create_user("t1", SCHOOL, [Role.TEACHER], staff_id=CLASS_TEACHER_STAFF)
    assert can(user, Action.VIEW_SUBJECT, Target(SCHOOL, "6Б", "math"), snapshot=SNAP)
    assert not can(user, Action.VIEW_SUBJECT, Target(SCHOOL, "6Б", "rus"), snapshot=SNAP)
    assert can(user, Action.VIEW_CLASS, Target(SCHOOL, "6Б"), snapshot=SNAP)
    assert not can(user, Action.PRINT_STATEMENTS, Target(SCHOOL, "6Б"), snapshot=SNAP)


@pytest.mark.django_db
def test_class_teacher_only_their_class() -> None:
    """The class teacher of 6Б prints statements of 6Б only."""
    user = create_user("t2", SCHOOL, [Role.CLASS_TEACHER, Role.TEACHER], staff_id=TEACHER_STAFF)
    assert can(user, Action.PRINT_STATEMENTS, Target(SCHOOL, "6Б"), snapshot=SNAP)
    assert not can(user, Action.PRINT_STATEMENTS, Target(SCHOOL, "5А"), snapshot=SNAP)
    assert not can(user, Action.VIEW_SUBJECT, Target(SCHOOL, "5А", "math"), snapshot=SNAP)


@pytest.mark.django_db
def test_only_director_signs() -> None:
    """Among all roles together except the director, nobody may sign."""
    everyone_else = [r for r in Role if r is not Role.DIRECTOR]
    user = create_user("many", SCHOOL, everyone_else, staff_id=CLASS_TEACHER_STAFF)
    assert not can(user, Action.SIGN_PERIOD, snapshot=SNAP)
    director = create_user("dir", SCHOOL, [Role.DIRECTOR])
    assert can(director, Action.SIGN_PERIOD, snapshot=SNAP)


@pytest.mark.django_db
def test_inactive_user_and_user_without_school_refused() -> None:
    """A deactivated director, and a user bound to no school, can do nothing."""
    from django.contrib.auth import get_user_model

    director = create_user("dir2", SCHOOL, [Role.DIRECTOR])
    director.is_active = False
    assert not can(director, Action.VIEW_DASHBOARD, snapshot=SNAP)
    loose = get_user_model().objects.create_user("loose")
    assert not can(loose, Action.VIEW_DASHBOARD, snapshot=SNAP)


@pytest.mark.django_db
def test_no_snapshot_means_no_own_scope() -> None:
    """Without an imported journal a class teacher's OWN cells are refused."""
    from service.accounts.scope import EMPTY, TeachingScope

    user = create_user("ct", SCHOOL, [Role.CLASS_TEACHER], staff_id=CLASS_TEACHER_STAFF)
    assert isinstance(EMPTY, TeachingScope)
    assert not can(user, Action.PRINT_STATEMENTS, Target(SCHOOL, "5А"))
