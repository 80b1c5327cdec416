"""In a real browser: a director of one school opening another school's close gets the Russian
«Доступ запрещён» page, while their own close opens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fixtures.web import screenshot
from tests.web.test_school_isolation import import_two_schools

# No django_db mark: the server process writes to the same database (see test_roles.py).
pytestmark = [pytest.mark.browser]
PASSWORD = "пароль-двух-школ-1"


@pytest.fixture(scope="module")
def closes(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """Two schools, a director of the first, and a close (not started) of each."""
    from service.accounts.roles import Role
    from service.accounts.users import create_user
    from service.jobs.period_close import start_close
    from service.jobs.period_steps import plan_close

    with django_db_blocker.unblock():
        a, b = import_two_schools(tmp_path_factory.mktemp("schools"))
        try:
            director = create_user(
                "iso-director",
                a.school.id,
                [Role.DIRECTOR],
                password=PASSWORD,
                staff_id=a.school.director_id,
                full_name="Директор",
            )
            made = {}
            for name, snapshot in (("a", a), ("b", b)):
                planned = [d for d in plan_close(snapshot, "Q1") if d.kind == "period-summary"]
                made[name] = start_close(director, snapshot, "Q1", planned[:1], start=False)
            yield made
        finally:
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)
            from service.accounts.snapshots import forget

            forget()


def test_director_opens_own_close_and_is_refused_another_schools(
    live_url: str, page: Any, closes: dict[str, Any]
) -> None:
    page.goto(live_url + "/login/")
    page.fill("#id_username", "iso-director")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    own = page.goto(f"{live_url}/period/{closes['a'].id}/")
    assert own.status == 200 and "1 четверть" in page.inner_text("body")
    other = page.goto(f"{live_url}/period/{closes['b'].id}/")
    assert other.status == 403
    assert page.inner_text("h1") == "Доступ запрещён"
    assert "У вас нет прав на эти данные" in page.inner_text("body")
    assert str(closes["b"].id) not in page.content().replace(page.url, "")
    screenshot(page, "school-isolation-403")
