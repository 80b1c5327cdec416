"""In a real browser: the import page lists a broken export's problems, then imports a good one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.accounts.roles import Role
from service.accounts.users import create_user
from tests.fixtures.web import screenshot, small_school_json

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "демо-пароль-1"
UPLOAD = "form[enctype='multipart/form-data'] button[type=submit]"  # not the log-out button


def test_journal_admin_uploads_a_broken_then_a_good_export(
    live_url: str, page: object, tmp_path: Path
) -> None:
    """GIVEN a journal admin WHEN they upload a broken export THEN the Russian problem list names
    their file and nothing is kept; WHEN they upload the school's export THEN it is imported."""
    export = small_school_json()
    create_user(
        "b-admin", json.loads(export)["school"]["id"], [Role.JOURNAL_ADMIN], password=PASSWORD
    )
    page.goto(live_url + "/login/")
    page.fill("#id_username", "b-admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#period")

    broken = tmp_path / "журнал-сломан.json"
    broken.write_text('{"format": "vedomost-journal", "version": 1, "school": 5}', encoding="utf-8")
    page.goto(live_url + "/import/")
    page.set_input_files("#id_file", str(broken))
    page.click(UPLOAD)
    problems = page.inner_text("#problems")
    assert "Выгрузка не загружена" in problems and "журнал-сломан.json" in problems
    screenshot(page, "import-problems")

    good = tmp_path / "school.json"
    good.write_text(export, encoding="utf-8")
    page.set_input_files("#id_file", str(good))
    page.click(UPLOAD)
    result = page.inner_text("#result")
    assert "Журнал загружен" in result and "ученики" in result
    screenshot(page, "import-done")
