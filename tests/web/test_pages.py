"""Login, dashboard, throttling and tenancy through the real Django stack (test client)."""

from __future__ import annotations

import pytest
from django.test import Client

from service.accounts.models import AccessEvent
from service.accounts.roles import Role
from service.accounts.users import create_user
from service.jobs.progress import PlannedItem, create_job

PASSWORD = "correct horse battery"


@pytest.fixture
def director(db: None) -> object:
    return create_user(
        "director", "sch-1", [Role.DIRECTOR], password=PASSWORD, full_name="Сидоров П. А."
    )


def test_login_page_in_russian_and_dashboard_after_login(director: object) -> None:
    """GIVEN a director WHEN they log in THEN the dashboard greets them in Russian."""
    client = Client()
    page = client.get("/login/")
    assert "Вход в «Ведомость»" in page.content.decode()
    response = client.post("/login/", {"username": "director", "password": PASSWORD}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Текущий период" in html and "Ваши роли: Директор" in html


def test_anonymous_is_sent_to_login(db: None) -> None:
    """The dashboard needs a login."""
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_throttled_after_five_failures(director: object) -> None:
    """Five wrong passwords lock the account for this IP even for the right password."""
    client = Client()
    for _ in range(5):
        page = client.post("/login/", {"username": "director", "password": "wrong"})
        assert "Неверное имя пользователя или пароль" in page.content.decode()
    page = client.post("/login/", {"username": "director", "password": PASSWORD})
    assert "Слишком много неудачных попыток" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_csrf_enforced_on_login(director: object) -> None:
    """A login POST without the CSRF token is refused."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "director", "password": PASSWORD})
    assert response.status_code == 403


def test_job_status_only_for_own_school(director: object) -> None:
    """A job of another school is invisible (404 in the API, 403 on the web)."""
    other = create_job("sch-2", "period-render", [PlannedItem("d1", "док 1")])
    mine = create_job("sch-1", "period-render", [PlannedItem("d1", "док 1"), PlannedItem("d2")])
    client = Client()
    client.force_login(director)
    data = client.get(f"/jobs/{mine.id}.json").json()
    assert (data["total"], data["done"], data["state"]) == (2, 0, "queued")
    assert client.get(f"/jobs/{other.id}.json").status_code == 403
    assert client.get(f"/api/jobs/{other.id}").status_code == 404
    assert client.get(f"/api/jobs/{mine.id}").json()["total"] == 2
    assert AccessEvent.objects.count() == 0


def test_api_token_auth(director: object) -> None:
    """A bearer token authenticates; a bad one gets 401."""
    from service.accounts.tokens import issue_token

    token = issue_token(director, "test")
    job = create_job("sch-1", "period-render", [])
    ok = Client().get(f"/api/jobs/{job.id}", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    bad = Client().get(f"/api/jobs/{job.id}", headers={"Authorization": "Bearer vdm_nope"})
    assert bad.status_code == 401
