"""The period-close wizard's pages: empty selection, cancel and continue, the pickers."""

from __future__ import annotations

import pytest
from django.test import Client

from service.accounts.roles import Role
from service.accounts.users import create_user
from service.jobs.models import PeriodClose

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(imported_school: object) -> Client:
    snapshot = imported_school
    user = create_user(
        "wiz-dir",
        snapshot.school.id,  # type: ignore[attr-defined]
        [Role.DIRECTOR],
        staff_id=snapshot.school.director_id,  # type: ignore[attr-defined]
    )
    client = Client()
    client.force_login(user)
    return client


def test_the_class_step_has_pickers_and_an_empty_post_starts_nothing(director: Client) -> None:
    """The class step offers select all / none / by grade; a POST with no class is refused."""
    page = director.get("/period/plan/?period=Q1").content.decode()
    for marker in (
        'id="select-all"',
        'id="select-none"',
        "По параллелям",
        'class="secondary grade"',
    ):
        assert marker in page
    response = director.post("/period/plan/", {"period": "Q1"}, follow=True)
    assert "Не выбран ни один класс" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?period=Q1")
    assert not PeriodClose.objects.exists()


def test_a_close_is_cancelled_and_continued_from_its_page(director: Client) -> None:
    """Cancel → «отменено» with «Продолжить»; continuing puts it back to rendering."""
    response = director.post("/period/plan/", {"period": "Q1", "classes": ["—"]})
    close = PeriodClose.objects.get()
    assert response["Location"].endswith(f"/period/{close.id}/")
    assert 'id="cancel"' in director.get(f"/period/{close.id}/").content.decode()
    director.post(f"/period/{close.id}/cancel")
    close.refresh_from_db()
    assert close.state == PeriodClose.State.CANCELLED
    page = director.get(f"/period/{close.id}/").content.decode()
    assert "Продолжить" in page and "можно продолжить" in page and 'id="cancel"' not in page
    director.post(f"/period/{close.id}/retry")
    close.refresh_from_db()
    assert close.state == PeriodClose.State.RENDERING
    status = director.get(f"/period/{close.id}.json").json()
    assert status["state"] == "rendering" and status["job"]["total"] >= 1
