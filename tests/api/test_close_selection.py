"""The period-close endpoint refuses an empty class list instead of closing every class."""

from __future__ import annotations

import pytest
from django.test import Client

from service.accounts.roles import Role
from service.accounts.tokens import issue_token
from service.accounts.users import create_user
from service.jobs.models import PeriodClose


@pytest.mark.django_db
def test_an_empty_class_list_is_refused_in_russian(imported_school: object) -> None:
    """POST /api/period-closes with ``classes: []`` → 400 with a Russian reason, nothing started;
    a Russian period name is understood."""
    snapshot = imported_school
    user = create_user("api-close", snapshot.school.id, [Role.DIRECTOR])  # type: ignore[attr-defined]
    client = Client(headers={"Authorization": f"Bearer {issue_token(user, 'ci')}"})
    empty = client.post(
        "/api/period-closes", {"period_id": "Q1", "classes": []}, content_type="application/json"
    )
    assert empty.status_code == 400
    assert empty.json()["detail"].startswith("Не выбран ни один класс")
    unknown = client.post(
        "/api/period-closes",
        {"period_id": "1 четверть", "classes": ["99Я"]},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "Нет таких классов: 99Я" in unknown.json()["detail"]
    assert not PeriodClose.objects.exists()
