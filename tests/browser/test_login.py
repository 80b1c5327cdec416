"""In a real browser: logging in, the dashboard, and refusals."""

from __future__ import annotations

import pytest

from service.accounts.roles import Role
from service.accounts.users import create_user
from service.jobs.progress import PlannedItem, create_job
from tests.fixtures.web import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "демо-пароль-1"


def _login(page: object, url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_director_logs_in_and_sees_dashboard(live_url: str, page: object) -> None:
    """GIVEN a director WHEN they log in in the browser THEN the Russian dashboard shows."""
    create_user(
        "b-director", "sch-1", [Role.DIRECTOR], password=PASSWORD, full_name="Сидоров П. А."
    )
    page.goto(live_url + "/")
    assert "/login/" in page.url
    screenshot(page, "login")
    _login(page, live_url, "b-director")
    page.wait_for_selector("#period")
    assert "Ваши роли: Директор" in page.content()
    assert "Журнал ещё не загружен" in page.inner_text("#period")
    screenshot(page, "dashboard-director")


def test_wrong_password_is_refused_in_russian(live_url: str, page: object) -> None:
    """A wrong password keeps the user on the login page with a Russian message."""
    create_user("b-teacher", "sch-1", [Role.TEACHER], password=PASSWORD)
    _login(page, live_url, "b-teacher", "неверный")
    assert "Неверное имя пользователя или пароль" in page.inner_text(".errors")


def test_teacher_refused_another_schools_job(live_url: str, page: object) -> None:
    """A teacher opening a job of another school gets the Russian 403 page."""
    create_user("b-teacher2", "sch-1", [Role.TEACHER], password=PASSWORD)
    foreign = create_job("sch-2", "period-render", [PlannedItem("d1")])
    _login(page, live_url, "b-teacher2")
    page.wait_for_selector("#period")
    response = page.goto(f"{live_url}/jobs/{foreign.id}.json")
    assert response.status == 403
    assert "Доступ запрещён" in page.content()
