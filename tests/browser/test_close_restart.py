"""In a real browser: the server process is killed in the middle of a close and started again.

The close runs inside ``vedomost serve`` (the embedded default: no broker, jobs in a thread of the
server). Killing the server (SIGKILL, as a power cut or the OOM killer would) must leave a close
the director can act on: after the restart the page says it was interrupted and offers
«Повторить»; pressing it finishes the close, re-rendering nothing already rendered and archiving
each document once.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.web import screenshot, server_env, start_server, stop_process

# No django_db mark: see tests/browser/test_period_close.py (SQLite's write lock).
pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "пароль-для-браузера"


@pytest.fixture(scope="module")
def director(
    server: dict[str, object], imported_school: object, django_db_blocker: object
) -> Iterator[dict[str, object]]:
    """The school's director as a user (committed), and the class with the most documents."""
    from service.accounts.roles import Role
    from service.accounts.users import create_user

    snapshot = imported_school
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        create_user(
            "rs-director",
            snapshot.school.id,
            [Role.DIRECTOR],
            password=PASSWORD,
            staff_id=snapshot.school.director_id,
            full_name="Директор",
        )
        largest = max(
            (c for c in snapshot.classes if c.grade >= 5),
            key=lambda c: sum(a.class_id == c.id for a in snapshot.assignments),
        )
        try:
            yield {"snapshot": snapshot, "class": largest}
        finally:
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def server(django_db_setup: None) -> Iterator[dict[str, object]]:
    """A ``vedomost serve`` the test may kill and start again (``restart``)."""
    log = open(Path(os.environ.get("VEDOMOST_DATA_DIR", "/tmp")) / "serve-restart.log", "ab")
    state: dict[str, object] = {}

    def restart() -> str:
        proc, url = start_server(server_env(), log)
        state.update(proc=proc, url=url)
        return url

    state["restart"] = restart
    try:
        restart()
        yield state
    finally:
        stop_process(state["proc"])  # type: ignore[arg-type]
        log.close()


def _login(page: object, url: str) -> None:
    page.goto(url + "/login/")
    page.fill("#id_username", "rs-director")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#period")


def _wait_until(check: object, what: str, timeout: float = 180) -> object:
    """Poll ``check()`` until it returns something true (the test's page state, not a sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()  # type: ignore[operator]
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_server_killed_while_rendering_and_signing_leaves_a_close_that_retries_to_the_end(
    server: dict[str, object],
    director: dict[str, object],
    page: object,
    django_db_blocker: object,
) -> None:
    """GIVEN a close rendering in the server WHEN the server is killed (SIGKILL) and started
    again THEN the close page says it was interrupted, with «Повторить» and what to do; pressing
    it renders only what was missing. Killed again just after the key was unlocked, the close
    says so at its stage and, retried (and signed again), archives every document once."""
    from service.archive.models import Entry
    from service.jobs import work_files
    from service.jobs.models import ItemState, JobItem, PeriodClose
    from signing.demo_pki import ensure_demo_pki

    pki = ensure_demo_pki(Path(os.environ["VEDOMOST_DATA_DIR"]) / "keys")
    class_id = director["class"].id  # type: ignore[attr-defined]
    url = str(server["url"])
    _login(page, url)
    page.goto(url + "/period/")
    page.select_option("#period", "Q1")
    page.click("text=Далее: состав документов")
    page.wait_for_selector("#plan")
    page.click("#select-none")
    page.check(f"input[name=classes][value='{class_id}']")
    page.click("#generate")
    page.wait_for_selector("#state")
    close_id = re.search(r"/period/([0-9a-f-]{36})/", page.url).group(1)  # type: ignore[union-attr]

    def done_keys() -> set[str]:
        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            close = PeriodClose.objects.get(pk=close_id)
            return set(
                JobItem.objects.filter(job=close.render_job, state=ItemState.DONE).values_list(
                    "key", flat=True
                )
            )

    _wait_until(lambda: len(done_keys()) >= 1, "the first rendered document")
    stop_process(server["proc"], signal.SIGKILL)  # type: ignore[arg-type]
    before = done_keys()
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        close = PeriodClose.objects.get(pk=close_id)
        total = close.render_job.items.count()
        assert close.state == PeriodClose.State.RENDERING
    assert 1 <= len(before) < total, "the kill must land in the middle of rendering"

    url = server["restart"]()  # type: ignore[operator]
    page.goto(f"{url}/period/{close_id}/")
    page.wait_for_selector("#retry")
    screenshot(page, "12-restart-interrupted")
    assert page.inner_text("#state") == "остановлено с ошибкой"
    error = page.inner_text("#close-error")
    assert "прервалось на этапе «Формирование»" in error and "нажмите «Повторить»" in error
    assert f"Этап «Формирование»: готово {len(done_keys())} из {total}." in error
    assert page.inner_text("#retry") == "Повторить"
    page.click("#retry")
    page.wait_for_selector("#sign-button", timeout=300_000)
    assert page.query_selector("#errors") is None

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        items = {i.key: i for i in PeriodClose.objects.get(pk=close_id).render_job.items.all()}
    assert all(i.state == ItemState.DONE for i in items.values())
    assert all(items[key].attempts == 1 for key in before), "a rendered document was redone"
    assert all(
        work_files.exists(close_id, work_files.RENDERED, i.result["document_id"])
        for i in items.values()
    )
    assert len(items) == total

    # The second kill lands right after the key was unlocked: signing (or, on a fast machine,
    # archiving) runs in a thread of the server that is killed.
    page.fill("#id_password", pki.director_password().decode())
    page.click("#sign-button")
    page.wait_for_selector("#state")
    stop_process(server["proc"], signal.SIGKILL)  # type: ignore[arg-type]
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        stage = PeriodClose.objects.get(pk=close_id).state
    assert stage in ("signing", "archiving"), stage
    url = server["restart"]()  # type: ignore[operator]
    page.goto(f"{url}/period/{close_id}/")
    page.wait_for_selector("#retry")
    label = {"signing": "Подпись", "archiving": "Сдача в архив"}[stage]
    assert f"прервалось на этапе «{label}»" in page.inner_text("#close-error")
    page.click("#retry")
    if stage == "signing":  # the key is not kept anywhere: the director unlocks it again
        page.wait_for_selector("#sign-button")
        assert "подпишите их ещё раз" in page.inner_text(".messages")
        page.fill("#id_password", pki.director_password().decode())
        page.click("#sign-button")
    page.wait_for_selector("#report", timeout=300_000)
    screenshot(page, "13-restart-finished")
    assert re.search(rf"{total} / {total} / {total}", page.inner_text("#report"))
    ids = [i.result["document_id"] for i in items.values()]
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        archived = list(
            Entry.objects.filter(document_id__in=ids).values_list("document_id", "version")
        )
    assert sorted(d for d, _ in archived) == sorted(ids)
    assert {v for _, v in archived} == {1}
