"""In a real browser, with a real Celery worker on Redis: the worker is killed in the middle of
a close.

``kill -9`` of the worker's whole process group (the parent and its pool) loses the tasks it
held: nothing reports failure, the close just stops moving. The page must not spin for ever:
once the close shows no progress for ``VEDOMOST_CLOSE_STALE_SECONDS`` it says the close was
interrupted and offers «Повторить»; after a new worker starts, pressing it finishes the close.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.web import screenshot, server_env, start_server, start_worker, stop_process

# No django_db mark: see tests/browser/test_period_close.py (SQLite's write lock).
pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.slow]
PASSWORD = "пароль-для-браузера"
STALE_SECONDS = 30  # longer than one document takes on a loaded machine, short for a test


@pytest.fixture(scope="module")
def broker_server(celery_worker: object, django_db_setup: None) -> Iterator[str]:
    """``vedomost serve`` sending its jobs to the test worker's Redis (not run in-process)."""
    from service.celery import app

    redis_url = str(app.conf.broker_url)
    env = server_env(
        VEDOMOST_BROKER_URL=redis_url,
        VEDOMOST_RESULT_BACKEND=redis_url,
        VEDOMOST_CLOSE_STALE_SECONDS=str(STALE_SECONDS),
    )
    log = open(Path(os.environ.get("VEDOMOST_DATA_DIR", "/tmp")) / "serve-broker.log", "ab")
    proc = None
    try:
        proc, url = start_server(env, log)
        yield url
    finally:
        if proc is not None:
            stop_process(proc)
        log.close()


@pytest.fixture(scope="module")
def director(
    broker_server: str, imported_school: object, django_db_blocker: object
) -> Iterator[dict[str, object]]:
    """The director as a user (committed), and the class with the most documents."""
    from service.accounts.roles import Role
    from service.accounts.users import create_user

    snapshot = imported_school
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        create_user(
            "wk-director",
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
            yield {"class": largest}
        finally:
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)


def _wait_until(check: object, what: str, timeout: float = 180) -> object:
    """Poll ``check()`` until it returns something true (the test's page state, not a sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()  # type: ignore[operator]
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_mid_close_leaves_a_close_to_retry_with_a_new_worker(
    broker_server: str,
    celery_worker: object,
    director: dict[str, object],
    page: object,
    django_db_blocker: object,
) -> None:
    """GIVEN a close rendering on the worker WHEN the worker's process group gets SIGKILL THEN
    after the stale time the page says the close was interrupted, with «Повторить»; GIVEN a new
    worker WHEN the director presses it THEN only the missing documents are rendered and, after
    signing, each document is archived once."""
    from service.archive.models import Entry
    from service.celery import app
    from service.jobs.models import ItemState, JobItem, PeriodClose
    from signing.demo_pki import ensure_demo_pki

    pki = ensure_demo_pki(Path(os.environ["VEDOMOST_DATA_DIR"]) / "keys")
    url = broker_server
    page.goto(url + "/login/")
    page.fill("#id_username", "wk-director")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#period")
    page.goto(url + "/period/")
    page.select_option("#period", "Q1")
    page.click("text=Далее: состав документов")
    page.wait_for_selector("#plan")
    page.click("#select-none")
    page.check(f"input[name=classes][value='{director['class'].id}']")  # type: ignore[attr-defined]
    page.click("#generate")
    page.wait_for_selector("#state")
    close_id = re.search(r"/period/([0-9a-f-]{36})/", page.url).group(1)  # type: ignore[union-attr]

    def done_keys() -> set[str]:
        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            close = PeriodClose.objects.get(pk=close_id)
            rows = JobItem.objects.filter(job=close.render_job, state=ItemState.DONE)
            return set(rows.values_list("key", flat=True))

    _wait_until(lambda: len(done_keys()) >= 1, "the first document rendered by the worker")
    stop_process(celery_worker, signal.SIGKILL)  # type: ignore[arg-type]
    before = done_keys()
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        total = PeriodClose.objects.get(pk=close_id).render_job.items.count()
    assert 1 <= len(before) < total, "the kill must land in the middle of rendering"
    assert not app.control.ping(timeout=1.0), "no worker may be left to finish the work"

    # The page polls its status; with no progress for STALE_SECONDS the close is failed.
    page.wait_for_selector("#retry", timeout=(STALE_SECONDS + 150) * 1000)
    screenshot(page, "14-worker-killed")
    assert page.inner_text("#state") == "остановлено с ошибкой"
    error = page.inner_text("#close-error")
    assert "обработчик заданий остановился" in error and "нажмите «Повторить»" in error
    done = len(done_keys())
    assert f"Этап «Формирование»: готово {done} из {total}." in error

    log = Path(os.environ.get("VEDOMOST_DATA_DIR", "/tmp")) / "celery-worker-2.log"
    worker = start_worker(str(app.conf.broker_url), log)
    try:
        page.click("#retry")
        page.wait_for_selector("#sign-button", timeout=300_000)
        assert page.query_selector("#errors") is None
        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            close = PeriodClose.objects.get(pk=close_id)
            items = {i.key: i for i in close.render_job.items.all()}
        assert all(i.state == ItemState.DONE for i in items.values())
        assert all(items[key].attempts == 1 for key in before), "a rendered document was redone"

        page.fill("#id_password", pki.director_password().decode())
        page.click("#sign-button")
        page.wait_for_selector("#report", timeout=300_000)
        screenshot(page, "15-worker-retried")
        assert re.search(rf"{total} / {total} / {total}", page.inner_text("#report"))
    finally:
        stop_process(worker)
    ids = [i.result["document_id"] for i in items.values()]
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        rows = Entry.objects.filter(document_id__in=ids).values_list("document_id", "version")
        archived = list(rows)
    assert sorted(d for d, _ in archived) == sorted(ids)
    assert {v for _, v in archived} == {1}
