"""In a real browser: the personal-data officer records a parent's refusal, the letter to the
guardianship authority is drafted with its outgoing number, and reverting the refusal cancels
the draft, which stays listed (with its number) as «отменено»."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from urllib.parse import unquote

import pytest

from tests.fixtures.web import screenshot

# No django_db mark: see tests/browser/test_period_close.py (SQLite's write lock).
pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "пароль-для-браузера"


@pytest.fixture(scope="module")
def record(
    live_url: str, imported_school: object, django_db_blocker: object
) -> Iterator[dict[str, object]]:
    """The PD officer as a user, and one pending personal-data consent of the school."""
    from service.accounts.roles import Role
    from service.accounts.users import create_user
    from service.orders.consents import sync_consents
    from service.orders.models import ConsentRecord

    snapshot = imported_school
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        sync_consents(snapshot)
        create_user(
            "pd-officer",
            snapshot.school.id,
            [Role.PD_OFFICER],
            password=PASSWORD,
            full_name="Ответственный за ПДн",
        )
        row = ConsentRecord.objects.filter(
            school_id=snapshot.school.id, status="pending", kind="personal_data"
        ).first()
        assert row is not None
        try:
            yield {"snapshot": snapshot, "record": row}
        finally:
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)


def _change(page: object, status: str, day: dt.date, comment: str) -> str:
    """Fill the change form, ask; the confirmation text (the change is not written yet)."""
    page.select_option("#id_status", status)
    page.fill("#id_on", day.isoformat())
    page.fill("#id_comment", comment)
    page.click("#change-status")
    page.wait_for_selector("#confirm-text")
    return page.inner_text("#confirm-text")


def test_a_refusal_drafts_a_numbered_letter_and_reverting_it_cancels_the_draft(
    live_url: str, page: object, record: dict[str, object], django_db_blocker: object
) -> None:
    """GIVEN a pending consent WHEN the PD officer records a refusal (date, comment, confirmed)
    THEN a letter with an outgoing number is drafted and linked from the page; WHEN she records
    the consent given after all THEN the draft is cancelled, still listed with its number and
    «отменено», and the history shows both changes."""
    from service.orders.models import ConsentRecord, IssuedDocument, RegisterEntry
    from service.orders.render import docx_text

    snapshot = record["snapshot"]
    row = record["record"]
    guardian = snapshot.guardian_by_id[row.guardian_id]  # type: ignore[attr-defined]
    student = snapshot.student_by_id[row.student_id]  # type: ignore[attr-defined]
    today = dt.date.today()
    refused_on = today - dt.timedelta(days=2)

    page.goto(live_url + "/login/")
    page.fill("#id_username", "pd-officer")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(live_url + "/consents/")
    school_class = snapshot.class_by_id[row.class_id]  # type: ignore[attr-defined]
    page.locator("#consent-classes").get_by_role("link", name=school_class.name, exact=True).click()
    page.wait_for_selector("#consent-register")
    page.click(f"a[href$='/consents/{row.pk}']")  # type: ignore[attr-defined]
    page.wait_for_selector("#change-status")
    assert "Не готовилось" in page.inner_text("#letter")

    asked = _change(page, "refused", refused_on, "отказ написан на бланке")
    assert "«не собрано» → «отказ»" in asked and refused_on.strftime("%d.%m.%Y") in asked
    assert "Будет подготовлено письмо в орган опеки" in asked
    assert "Комментарий: «отказ написан на бланке»" in asked
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        assert ConsentRecord.objects.get(pk=row.pk).status == "pending"  # nothing written yet
    page.click("#confirm")
    page.wait_for_selector("#letters")
    screenshot(page, "19-refusal-letter-drafted")

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        letter = IssuedDocument.objects.get(kind="refusal-letter")
        assert RegisterEntry.objects.filter(document=letter).count() == 1
    assert letter.number and letter.status == IssuedDocument.DRAFTED
    assert page.inner_text("#status") == "отказ"
    note = page.inner_text(".messages")
    assert f"Подготовлено письмо в орган опеки, исх. № {letter.number}" in note
    assert page.inner_text("#letters .letter-number") == letter.number
    assert "проект" in page.inner_text("#letters .letter-status")
    download = page.request.get(live_url + page.get_attribute("#letter-docx", "href"))
    assert download.status == 200
    header = download.headers["content-disposition"]
    name = unquote(header.split("filename*=UTF-8''", 1)[1])
    assert name == f"Письмо_в_опеку_исх-{letter.number}_{letter.date:%d.%m.%Y}.docx"
    text = docx_text(download.body())
    # Names are declined in the letter («Ефремовым», «Надежды»): compare the stems.
    assert guardian.last_name[:5] in text and student.first_name[:4] in text
    assert refused_on.strftime("%d.%m.%Y") in text

    asked = _change(page, "given", today, "родитель передумал")
    assert f"исх. № {letter.number} будет отменено" in asked
    page.click("#confirm")
    page.wait_for_selector(".letter.cancelled")
    screenshot(page, "20-refusal-reverted")
    assert page.inner_text("#status") == "дано"
    assert f"исх. № {letter.number} отменено" in page.inner_text(".messages")
    assert page.inner_text(".letter.cancelled .letter-number") == letter.number
    status = page.inner_text(".letter.cancelled .letter-status")
    assert f"отменено {today:%d.%m.%Y}" in status and "pd-officer" in status
    assert "Действующего письма нет" in page.inner_text("#letter")
    assert page.query_selector("#letter-docx") is None  # no active letter any more
    kept = page.request.get(
        live_url + page.get_attribute(".letter.cancelled a.letter-docx", "href")
    )
    assert kept.status == 200 and student.first_name[:4] in docx_text(kept.body())
    history = page.inner_text("#history")
    assert "отказ написан на бланке" in history and "родитель передумал" in history

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        letter.refresh_from_db()
        assert letter.status == IssuedDocument.CANCELLED and letter.cancelled_by == "pd-officer"
        assert RegisterEntry.objects.filter(document=letter).count() == 1  # number kept
        assert IssuedDocument.objects.filter(kind="refusal-letter").count() == 1
