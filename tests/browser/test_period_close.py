"""In a real browser: the director closes a period end to end and downloads a signed document
that validates; a class teacher prints the paper families' statements; a teacher is refused
another class's data."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.fixtures.web import screenshot

# No django_db mark: a test transaction would hold SQLite's write lock (transactions begin
# IMMEDIATE) while the live server logs in; the fixtures reach the committed database through
# django_db_blocker, and live_url depends on django_db_setup so the test database exists.
pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "пароль-для-браузера"


@pytest.fixture(scope="module")
def people(imported_school: object, django_db_blocker: object) -> Iterator[dict[str, object]]:
    """Users of the imported school (committed, so the server process sees them)."""
    from service.accounts.roles import Role
    from service.accounts.users import create_user
    from service.documents.kinds.parent_statement import paper_students

    snapshot = imported_school
    school = snapshot.school.id
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        paper_class = next(
            c for c in snapshot.classes if c.grade >= 2 and paper_students(snapshot, c.id)
        )
        smallest = min(
            (c for c in snapshot.classes if c.grade >= 2),
            key=lambda c: sum(a.class_id == c.id for a in snapshot.assignments),
        )
        leaders = {c.teacher_id for c in snapshot.classes}
        teacher_id = next(a.teacher_id for a in snapshot.assignments if a.teacher_id not in leaders)
        taught = {a.class_id for a in snapshot.assignments if a.teacher_id == teacher_id}
        names = ["br-director", "br-ct", "br-teacher"]
        create_user(
            names[0],
            school,
            [Role.DIRECTOR],
            password=PASSWORD,
            staff_id=snapshot.school.director_id,
            full_name="Директор",
        )
        create_user(
            names[1],
            school,
            [Role.CLASS_TEACHER, Role.TEACHER],
            password=PASSWORD,
            staff_id=paper_class.teacher_id,
            full_name="Классный руководитель",
        )
        create_user(
            names[2],
            school,
            [Role.TEACHER],
            password=PASSWORD,
            staff_id=teacher_id,
            full_name="Учитель",
        )
        try:
            yield {
                "snapshot": snapshot,
                "paper_class": paper_class,
                "close_class": smallest,
                "foreign_class": next(c for c in snapshot.classes if c.id not in taught),
            }
        finally:
            # The server process committed closes, archive rows, consents and access events:
            # empty the test database as a transactional test would, for the tests after us.
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)


def _login(page: object, url: str, username: str) -> None:
    page.goto(url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#period, #students")  # the dashboard, or a class teacher's class


def test_director_closes_a_period_and_downloads_a_valid_signed_document(
    live_url: str, page: object, people: dict[str, object]
) -> None:
    """GIVEN the imported school WHEN the director closes Q1 for one class in the browser THEN
    the documents are rendered, signed once, archived, and a downloaded one validates."""
    from signing.demo_pki import ensure_demo_pki
    from signing.signers import load_certificates
    from signing.validate import validate

    pki = ensure_demo_pki(Path(os.environ["VEDOMOST_DATA_DIR"]) / "keys")
    close_class = people["close_class"].id
    _login(page, live_url, "br-director")
    screenshot(page, "01-dashboard")
    page.click("text=Закрытие периода")
    page.select_option("#period", "Q1")
    page.click("text=Далее: состав документов")
    page.wait_for_selector("#plan")
    for box in page.query_selector_all("input[name=classes]"):
        if box.get_attribute("value") != close_class:
            box.uncheck()
    screenshot(page, "02-plan")
    page.click("#generate")
    page.wait_for_selector("#state")
    screenshot(page, "03-generating")
    page.wait_for_selector("#sign-button", timeout=120_000)
    screenshot(page, "04-ready-to-sign")
    rows = page.query_selector_all("#documents tr")
    assert len(rows) > 3
    preview = page.request.get(live_url + page.get_attribute("#documents a", "href"))
    assert preview.headers["content-type"] == "application/pdf"
    page.fill("#id_password", "неверный пароль")
    page.click("#sign-button")
    assert "Ключ подписи не открылся" in page.inner_text(".messages")
    page.fill("#id_password", pki.director_password().decode())
    page.click("#sign-button")
    try:
        page.wait_for_selector("#report", timeout=120_000)
    except Exception:
        screenshot(page, "05-failed")
        raise
    screenshot(page, "05-closing-report")
    report = page.inner_text("#report")
    n = len(rows) - 1
    assert re.search(rf"{n} / {n} / {n}", report), report

    page.click("text=Архив")
    page.select_option("#class", close_class)
    page.click("text=Найти")
    assert int(page.inner_text("#found")) == n
    page.click("#results a >> nth=0")
    page.wait_for_selector("#verdict")
    assert "Подписи действительны" in page.inner_text("#verdict")
    screenshot(page, "06-archive-document")
    with page.expect_download() as info:
        page.click("a.download >> nth=0")
    data = Path(info.value.path()).read_bytes()
    # pyHanko validates with asyncio.run: keep it off Playwright's event-loop thread.
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(validate, data, load_certificates([pki.root_cert])).result()
    assert result.valid and len(result.signatures) >= 1
    assert "director" in (PdfReader(io.BytesIO(data)).get_fields() or {})


def _open_plan(page: object, live_url: str, period: str) -> None:
    page.goto(live_url + "/period/")
    page.select_option("#period", period)
    page.click("text=Далее: состав документов")
    page.wait_for_selector("#plan")


def test_a_second_close_of_the_same_period_reuses_the_archive(
    live_url: str, page: object, people: dict[str, object]
) -> None:
    """GIVEN Q1 of a class closed and archived WHEN the director closes it again THEN the class
    step says it is archived and asks for a reason, and the close ends with every document
    taken unchanged from the archive: no error, no duplicate."""
    close_class = people["close_class"].id
    _login(page, live_url, "br-director")
    _open_plan(page, live_url, "Q1")
    assert close_class in page.inner_text("#overlap-classes")
    page.click("#select-none")
    page.check(f"input[name=classes][value='{close_class}']")
    page.fill("#reason", "повторное закрытие для проверки")
    screenshot(page, "09-second-close-plan")
    page.click("#generate")
    page.wait_for_selector("#report", timeout=120_000)
    screenshot(page, "10-second-close-report")
    assert page.inner_text("#new-versions") == "0"
    assert int(page.inner_text("#unchanged")) > 3
    assert page.query_selector("#errors") is None


def test_an_empty_selection_cannot_be_started(
    live_url: str, page: object, people: dict[str, object]
) -> None:
    """Unticking every class disables the button and shows the count 0; by grade picks one grade."""
    _login(page, live_url, "br-director")
    _open_plan(page, live_url, "Q2")
    every = int(page.inner_text("#total"))
    page.click("#select-none")
    assert page.inner_text("#total") == "0"
    assert page.is_disabled("#generate")
    assert page.is_visible("#empty-note")
    grade = page.get_attribute("button.grade >> nth=0", "data-grade")
    page.click("button.grade >> nth=0")
    chosen = int(page.inner_text("#total"))
    assert 0 < chosen < every and page.is_enabled("#generate")
    page.click("#select-all")
    assert int(page.inner_text("#total")) == every
    boxes = page.query_selector_all(f"input[name=classes][data-grade='{grade}']")
    assert boxes


def test_a_close_can_be_cancelled_and_continued(
    live_url: str, page: object, people: dict[str, object]
) -> None:
    """GIVEN a close started WHEN the director cancels it THEN it says «отменено» with a way to
    continue; continuing brings it to the signature step."""
    close_class = people["close_class"].id
    _login(page, live_url, "br-director")
    _open_plan(page, live_url, "Q2")
    page.click("#select-none")
    page.check(f"input[name=classes][value='{close_class}']")
    page.click("#generate")
    page.wait_for_selector("#cancel")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cancel")
    page.wait_for_selector("#retry")
    screenshot(page, "11-cancelled")
    assert page.inner_text("#state") == "отменено"
    assert "можно продолжить" in page.inner_text("#close-error")
    page.click("#retry")
    page.wait_for_selector("#sign-button", timeout=120_000)
    assert page.query_selector("#errors") is None


def test_class_teacher_prints_paper_statements(
    live_url: str, page: object, people: dict[str, object]
) -> None:
    """The class teacher opens their class and prints every paper family's statement as one PDF."""
    _login(page, live_url, "br-ct")
    page.click("text=Классы")
    page.get_by_role("link", name=people["paper_class"].name, exact=True).click()
    page.wait_for_selector("#students")
    screenshot(page, "07-class-teacher")
    button = page.query_selector("#print-paper")
    assert button is not None and button.is_enabled()
    href = f"{live_url}/classes/{people['paper_class'].id}/statements-paper.pdf?period=Q1"
    response = page.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    assert len(reader.pages) >= 1 and "ВЫПИСКА" in reader.pages[0].extract_text().upper()


def test_teacher_is_refused_another_class(
    live_url: str, page: object, people: dict[str, object]
) -> None:
    """A subject teacher opening a class they do not teach gets the Russian 403 page."""
    _login(page, live_url, "br-teacher")
    response = page.goto(f"{live_url}/classes/{people['foreign_class'].id}/")
    assert response.status == 403
    assert "Доступ запрещён" in page.content()
    screenshot(page, "08-teacher-refused")
