"""In a real browser: a class teacher issues the week's paper statements, sees them in the register
of issued statements and records a guardian's acknowledgement."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

from tests.fixtures.web import screenshot

# No django_db mark: a test transaction would hold SQLite's write lock (transactions begin
# IMMEDIATE) while the live server logs in; the fixtures reach the committed database through
# django_db_blocker, and live_url depends on django_db_setup so the test database exists.
pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "пароль-для-браузера"


@pytest.fixture(scope="module")
def teacher(imported_school: object, django_db_blocker: object) -> Iterator[dict[str, object]]:
    """The class teacher of a class with paper families (committed: the server process sees it)."""
    from service.accounts.roles import Role
    from service.accounts.users import create_user
    from service.orders.paper import paper_families

    snapshot = imported_school
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        paper_class = next(
            c for c in snapshot.classes if c.grade >= 2 and paper_families(snapshot, c.id)
        )
        create_user(
            "br-parents-ct", snapshot.school.id, [Role.CLASS_TEACHER, Role.TEACHER],
            password=PASSWORD, staff_id=paper_class.teacher_id, full_name="Классный руководитель",
        )  # fmt: skip
        try:
            yield {
                "snapshot": snapshot,
                "class": paper_class,
                "families": paper_families(snapshot, paper_class.id),
            }
        finally:
            # The server process committed register lines and access events: empty the test
            # database as a transactional test would, for the tests after us.
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)


def test_class_teacher_issues_the_paper_batch_and_records_an_acknowledgement(
    live_url: str, page: object, teacher: dict[str, object], django_db_blocker: object
) -> None:
    """GIVEN a class teacher with paper families WHEN they print the batch from the class page
    THEN the register lists each statement pending; WHEN they record a guardian's
    acknowledgement in the form THEN the line shows the name and the day."""
    from service.orders.models import StatementIssue

    school_class = teacher["class"]
    page.goto(live_url + "/login/")
    page.fill("#id_username", "br-parents-ct")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#period, #students")  # a class teacher lands on her class
    page.click("text=Классы")
    page.get_by_role("link", name=school_class.name, exact=True).click()
    page.wait_for_selector("#statement-register")
    assert "Выписки ещё не выдавались" in page.inner_text("#statement-register")
    button = page.locator("#print-paper")
    assert button.is_enabled()
    page.select_option("#period-paper", "Q1")
    # The form opens the PDF in a new tab; the browser's own request carries its session and the
    # form's CSRF token, exactly as the click would.
    token = page.locator("#paper input[name=csrfmiddlewaretoken]").input_value()
    response = page.request.post(
        f"{live_url}/classes/{school_class.id}/statements-paper.pdf",
        form={"period": "Q1", "csrfmiddlewaretoken": token},
        headers={"Referer": page.url},
    )
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "С информацией ознакомлен" in text

    page.reload()
    register = page.locator("#statement-register")
    forms = register.locator("form.ack")
    assert forms.count() == len(teacher["families"])
    screenshot(page, "parents-01-register-pending")
    # Ids from the page: a read from this process would hold SQLite's lock against the server.
    issue_id = int(register.locator("tr:has(form.ack)").first.get_attribute("id").split("-")[1])
    row = page.locator(f"#issue-{issue_id}")
    row.locator("input[name=by]").fill("Петрова А. В.")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("text=Ознакомление отмечено")
    assert "Петрова А. В." in page.inner_text(f"#issue-{issue_id}")
    assert page.locator("#statement-register form.ack").count() == len(teacher["families"]) - 1
    screenshot(page, "parents-02-acknowledged")
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        issue = StatementIssue.objects.get(pk=issue_id)
    assert issue.acknowledged_by == "Петрова А. В." and issue.acknowledged_on is not None
