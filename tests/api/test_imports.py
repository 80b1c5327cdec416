"""``POST /api/imports``: the same upload-and-import as the web page, answered as JSON."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from service.accounts.models import AccessEvent
from service.accounts.roles import Role
from service.accounts.tokens import issue_token
from service.accounts.users import create_user
from tests.fixtures.web import small_school_json

pytestmark = pytest.mark.django_db


def _post(school_id: str, name: str, data: bytes) -> tuple[int, dict[str, object]]:
    user = create_user(f"adm-{name}", school_id, [Role.JOURNAL_ADMIN])
    token = issue_token(user, "test")
    response = Client().post(
        "/api/imports",
        {"file": SimpleUploadedFile(name, data)},
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.status_code, response.json()


def test_an_export_imports_once_and_again_reports_no_change() -> None:
    """GIVEN the school's export WHEN posted twice THEN 201 both times, the second unchanged."""
    export = small_school_json().encode()
    school_id = json.loads(export)["school"]["id"]
    status, first = _post(school_id, "school.json", export)
    assert status == 201 and first["school_id"] == school_id and first["counts"]["students"] > 0
    status, again = _post(school_id, "again.json", export)
    assert status == 201 and again["snapshot_id"] == first["snapshot_id"]
    assert again["status"] != "created"
    assert AccessEvent.objects.filter(action="import", object_id=first["snapshot_id"]).count() == 2


def test_problems_name_the_users_file() -> None:
    """A broken export answers 400 with every problem naming the file as the user sent it."""
    broken = b'{"format": "vedomost-journal", "version": 1, "school": 5}'
    status, body = _post("sch-1", "my-export.json", broken)
    assert status == 400 and body["detail"] == "Выгрузка не загружена"
    assert body["problems"] and {p["file"] for p in body["problems"]} == {"my-export.json"}


def test_another_schools_export_is_refused_and_not_kept() -> None:
    """An export of another school answers 403 and leaves no snapshot."""
    from service.journal.models import Snapshot as SnapshotRow

    status, body = _post("not-this-school", "other.json", small_school_json().encode())
    assert status == 403 and "другой школе" in str(body["detail"])
    assert SnapshotRow.objects.count() == 0


def test_an_unsupported_file_type_is_refused_before_reading() -> None:
    """A file of a type no adapter reads answers 400 with the supported types in Russian."""
    status, body = _post("sch-1", "notes.txt", b"hello")
    assert status == 400 and ".xlsx" in str(body["detail"]) and body["problems"] == []
