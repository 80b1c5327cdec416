"""In a real browser: the director closes the school year in the wizard.

The year close of the graduating classes and the school-wide documents («—») renders the yearly
summary statements and the honours list, drafts the transfer order with its register number,
and after signing archives them with the year's inventory; each PDF is checked by its text.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.fixtures.web import screenshot

# No django_db mark: see tests/browser/test_period_close.py (SQLite's write lock).
pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "пароль-для-браузера"
CLASSES = ("9А", "11А")
HONOURS = "Список награждённых аттестатом с отличием и медалью"  # the kind's short label


@pytest.fixture(scope="module")
def director(live_url: str, imported_school: object, django_db_blocker: object) -> Iterator[object]:
    """The director as a user (committed); the imported snapshot."""
    from service.accounts.roles import Role
    from service.accounts.users import create_user

    snapshot = imported_school
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        create_user(
            "yr-director",
            snapshot.school.id,
            [Role.DIRECTOR],
            password=PASSWORD,
            staff_id=snapshot.school.director_id,
            full_name="Директор",
        )
        try:
            yield snapshot
        finally:
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)


def _text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def test_director_closes_the_year_in_the_wizard(
    live_url: str, page: object, director: object, django_db_blocker: object
) -> None:
    """GIVEN the small school WHEN the director closes the year for the 9th and 11th grades and
    the school-wide documents THEN the yearly statements and the honours list are rendered, the
    transfer order is drafted with its register number, and after signing everything is archived
    with the year's inventory listing it."""
    from service.jobs.models import PeriodClose
    from service.orders.models import IssuedDocument, RegisterEntry
    from signing.demo_pki import ensure_demo_pki

    snapshot = director
    pki = ensure_demo_pki(Path(os.environ["VEDOMOST_DATA_DIR"]) / "keys")
    page.goto(live_url + "/login/")
    page.fill("#id_username", "yr-director")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#period")
    page.goto(live_url + "/period/")
    page.select_option("#period", "year")
    page.click("text=Далее: состав документов")
    page.wait_for_selector("#plan")
    page.click("#select-none")
    for class_id in (*CLASSES, "—"):
        page.check(f"input[name=classes][value='{class_id}']")
    assert page.inner_text("#total") == "4"  # two statements, the honours list, the order
    page.click("#generate")
    page.wait_for_selector("#sign-button", timeout=300_000)
    screenshot(page, "16-year-ready-to-sign")
    assert page.query_selector("#errors") is None
    assert "учебный год: закрытие" in page.inner_text("h1")

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        order = IssuedDocument.objects.get(kind="transfer")
        assert RegisterEntry.objects.filter(document=order).count() == 1
    assert order.number
    draft_link = page.inner_text("#documents a.draft-order")
    assert draft_link == f"приказ № {order.number}: проект, открыть"
    table = page.inner_text("#documents")
    assert table.count("Сводная ведомость итоговых отметок") == 2
    assert f"вся школа\t{HONOURS}" in table
    assert "вся школа\tПриказ о переводе обучающихся в следующий класс (проект)" in table

    previews = {}
    for row in page.query_selector_all("#documents tr"):
        link = row.query_selector("a[target=_blank]")
        if link is not None:
            cells = row.query_selector_all("td")
            key = cells[0].inner_text() + " " + cells[1].inner_text()
            previews[key] = page.request.get(live_url + link.get_attribute("href"))
    statement = previews["9А Сводная ведомость итоговых отметок"]
    assert statement.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" in statement.headers["content-disposition"]
    text = _text(statement.body())
    student = next(s for s in snapshot.students_of_class["9А"] if not s.left_on)
    assert "итоговых отметок" in text.lower() and student.last_name in text
    assert "Пропущено уроков" in text
    honours = _text(previews[f"вся школа {HONOURS}"].body())
    assert "с отличием" in honours.lower()

    page.fill("#id_password", pki.director_password().decode())
    page.click("#sign-button")
    page.wait_for_selector("#report", timeout=300_000)
    report = page.inner_text("#report")
    assert "3 / 3 / 3" in report
    drafts = page.inner_text("#drafts")
    assert f"№ {order.number} от" in drafts and "проект" in drafts
    page.wait_for_selector("#inventory", timeout=120_000)  # drawn up after the archive stage
    screenshot(page, "17-year-closing-report")
    inventory = page.inner_text("#inventory")
    assert f"Опись электронных документов за {snapshot.year.id} учебный год: версия 1" in inventory

    page.click("#inventory-link")
    page.wait_for_selector("#verdict")
    assert "Подписи действительны" in page.inner_text("#verdict")
    with page.expect_download() as info:
        page.click("a.download >> nth=0")
    data = Path(info.value.path()).read_bytes()
    reader = PdfReader(io.BytesIO(data))
    listing = _text(data)
    assert "ОПИСЬ" in listing and "Сводная ведомость итоговых отметок" in listing
    (raw,) = reader.attachments["inventory.csv"]
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        close = PeriodClose.objects.get(close_kind="year")
        archived = {
            i.result["document_id"]
            for i in close.render_job.items.all()
            if not i.result.get("draft")
        }
    assert {r[1] for r in rows[1:]} == archived and len(archived) == 3
    assert {"9А", "11А"} <= {r[3] for r in rows[1:]}

    page.goto(f"{live_url}/orders/{order.document_id}/")
    assert page.inner_text("#number") == order.number
    screenshot(page, "18-year-transfer-order")
