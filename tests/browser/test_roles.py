"""In a real browser, per role: the home page and the main task, and every page of it at 390 px.

The secretary makes an order (kind → fields → preview → number → DOCX), the personal-data
officer changes a consent with confirmation and uploads a scan that is archived, the class teacher
opens on her class and is told why another class is closed to her. With
``VEDOMOST_DOC_SCREENSHOTS=1`` the screenshot of each role's main task is also written to
``docs/img/`` (the images ``docs/service.md`` shows).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.fixtures.web import screenshot

# No django_db mark: a test transaction would hold SQLite's write lock (IMMEDIATE transactions)
# for the whole test and the server process could not write; the fixtures and the checks use the
# committed database through django_db_blocker instead.
pytestmark = [pytest.mark.browser]
PASSWORD = "пароль-ролей-1"
DOC_IMAGES = Path("docs/img")


def doc_screenshot(page: object, name: str) -> None:
    """A test artifact always; with ``VEDOMOST_DOC_SCREENSHOTS=1`` also ``docs/img/<name>.png``."""
    screenshot(page, name)
    if os.environ.get("VEDOMOST_DOC_SCREENSHOTS") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOC_IMAGES / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def people(imported_school: object, django_db_blocker: object) -> Iterator[dict[str, object]]:
    """One user per role of the imported school (committed, so the server process sees them)."""
    from service.accounts.roles import Role
    from service.accounts.users import create_user

    snapshot = imported_school
    school = snapshot.school.id

    def size(c: object) -> int:
        return sum(s.left_on is None for s in snapshot.students_of_class.get(c.id, ()))

    led = sorted((c for c in snapshot.classes if c.teacher_id), key=size)
    mine = led[-1]
    taught = {a.class_id for a in snapshot.assignments if a.teacher_id == mine.teacher_id}
    other = next(c for c in led if c.id != mine.id and c.id not in taught)
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        create_user("r-director", school, [Role.DIRECTOR], password=PASSWORD, full_name="Директор")
        create_user(
            "r-secretary", school, [Role.SECRETARY], password=PASSWORD, full_name="Секретарь"
        )
        create_user(
            "r-pd", school, [Role.PD_OFFICER], password=PASSWORD, full_name="Ответственный за ПДн"
        )
        create_user(
            "r-ct",
            school,
            [Role.CLASS_TEACHER, Role.TEACHER],
            password=PASSWORD,
            staff_id=mine.teacher_id,
            full_name="Классный руководитель",
        )
        try:
            yield {"snapshot": snapshot, "mine": mine, "other": other}
        finally:
            # The server process committed orders, consents and archive rows: empty the test
            # database as a transactional test would, for the tests after us.
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def phone(browser: object) -> Iterator[object]:
    """A page 390 px wide (a phone), Russian locale."""
    context = browser.new_context(  # type: ignore[attr-defined]
        locale="ru-RU", viewport={"width": 390, "height": 844}, accept_downloads=True
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def _login(page: object, url: str, username: str) -> None:
    page.goto(url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _no_sideways_scroll(page: object) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"{page.url}: the page is {width} px wide at {inner} px"


@pytest.mark.libreoffice
def test_secretary_makes_an_order_from_kind_to_docx(
    live_url: str, page: object, people: dict[str, object]
) -> None:
    """GIVEN the secretary WHEN she logs in THEN orders open; kind → fields → preview → number →
    the DOCX and the PDF/A (with the director's empty signature field) download with the order's
    title and number, and the list shows it."""
    from service.orders.render import docx_text

    _login(page, live_url, "r-secretary")
    assert page.url.endswith("/orders/")
    page.get_by_role("link", name="Приказ: О введении электронного классного журнала").click()
    page.fill("#id_p_effective_date", "2024-09-02")
    page.click("#preview")
    page.wait_for_selector("#preview-text")
    assert "ПРИКАЗЫВАЮ" in page.inner_text("#preview-text")
    page.click("#issue")
    page.wait_for_selector("#number")
    number = page.inner_text("#number").strip()
    assert number and number != "без номера"
    doc_screenshot(page, "role-secretary-order")
    with page.expect_download() as info:
        page.click("#download-docx")
    download = info.value
    assert (
        download.suggested_filename == f"Приказ_{number}_{download.suggested_filename[-15:-5]}.docx"
    )
    text = " ".join(docx_text(Path(download.path()).read_bytes()).split())
    assert "О введении электронного классного журнала и электронных дневников" in text
    assert number in text and "02.09.2024" in text
    with page.expect_download(timeout=180_000) as info:
        page.click("#download-pdf")
    reader = PdfReader(info.value.path())
    pdf_text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "О введении электронного классного журнала" in pdf_text and number in pdf_text
    assert "director" in (reader.get_fields() or {})
    page.click("text=К списку оформленных")
    assert number in page.inner_text("#issued")


def test_pd_officer_changes_a_consent_with_confirmation_and_archives_a_scan(
    live_url: str, page: object, people: dict[str, object], django_db_blocker: object
) -> None:
    """GIVEN the PD officer WHEN she opens a record THEN the change asks for confirmation, the
    date is kept, the history shows it; a PNG scan is kept as PDF/A and archived."""
    from PIL import Image, ImageDraw

    from service.archive.models import Entry
    from service.orders.models import ConsentScan

    _login(page, live_url, "r-pd")
    assert page.url.endswith("/consents/")
    mine = people["mine"]
    page.get_by_role("link", name=mine.name, exact=True).click()
    page.wait_for_selector("#consent-register")
    page.locator("#consent-register a", has_text="изменить").first.click()
    page.select_option("#id_status", "given")
    page.fill("#id_on", "2024-09-05")
    page.fill("#id_comment", "бланк принесла мама")
    page.click("#change-status")
    confirm = page.inner_text("#confirm-text")
    assert "→ «дано», дата 05.09.2024" in confirm
    assert page.inner_text("#status") != "дано"  # nothing written before confirmation
    page.click("#confirm")
    page.wait_for_selector(".messages")
    assert page.inner_text("#status") == "дано"
    assert page.inner_text("#given-on") == "05.09.2024"
    assert "бланк принесла мама" in page.inner_text("#history")
    image = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(image).text((40, 40), "Soglasie podpisano", fill="black")
    png = io.BytesIO()
    image.save(png, format="PNG")
    page.set_input_files(
        "#id_scan", files=[{"name": "скан.png", "mimeType": "image/png", "buffer": png.getvalue()}]
    )
    page.click("#upload-scan")
    page.wait_for_selector("#scans li")
    assert "в архиве" in page.inner_text("#scans")
    doc_screenshot(page, "role-pd-officer-consent")
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        scan = ConsentScan.objects.latest("pk")
        assert scan.archive_ref and bytes(scan.pdf).startswith(b"%PDF-")
        assert Entry.objects.filter(document_id=scan.document_id).exists()


def test_class_teacher_opens_on_her_class_and_is_told_why_another_is_closed(
    live_url: str, page: object, people: dict[str, object]
) -> None:
    """The class teacher lands on «Мой класс» with statements, consents and archived documents;
    another class's page is a Russian 403 with a link back to hers."""
    mine, other = people["mine"], people["other"]
    _login(page, live_url, "r-ct")
    page.wait_for_selector("#students")
    assert page.inner_text("h1") == f"Мой класс: {mine.name} класс"
    for section in ("#consents", "#documents"):
        assert page.query_selector(section) is not None
    doc_screenshot(page, "role-class-teacher-home")
    response = page.goto(f"{live_url}/classes/{other.id}/")
    assert response.status == 403
    assert f"{other.name} класс — не ваш" in page.inner_text("#reason")
    page.click(f"text=Мой класс: {mine.name}")
    page.wait_for_selector("#students")


def test_director_keeps_the_dashboard(
    live_url: str, page: object, people: dict[str, object]
) -> None:
    """The director's home is the dashboard with the period, signature, archive and audit cards."""
    _login(page, live_url, "r-director")
    page.wait_for_selector("#period")
    for card in ("#signatures", "#replication", "#audit"):
        assert page.query_selector(card) is not None
    doc_screenshot(page, "role-director-dashboard")


@pytest.mark.parametrize(
    ("user", "paths"),
    [
        ("r-secretary", ["/orders/", "/orders/new/transfer/", "/orders/templates/", "/consents/"]),
        ("r-pd", ["/consents/", "{mine}", "{record}"]),
        ("r-ct", ["{mine}", "/classes/", "{other}"]),
        ("r-director", ["/", "/orders/", "/consents/", "{mine}"]),
    ],
)
def test_pages_fit_a_phone(
    live_url: str, phone: object, people: dict[str, object], user: str, paths: list[str]
) -> None:
    """At 390 px every page of each role's task has no horizontal page scroll."""
    mine, other = people["mine"], people["other"]
    _login(phone, live_url, user)
    for path in paths:
        if path == "{record}":
            phone.goto(f"{live_url}/classes/{mine.id}/")
            phone.locator("#consent-register a").first.click()
            phone.wait_for_selector("#history")
        else:
            url = path.format(mine=f"/classes/{mine.id}/", other=f"/classes/{other.id}/")
            phone.goto(live_url + url)
        _no_sideways_scroll(phone)
