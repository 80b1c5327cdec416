"""The import page refuses a file of a type no adapter reads before reading it."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from service.accounts.roles import Role
from service.accounts.users import create_user

pytestmark = pytest.mark.django_db


def test_an_unsupported_file_type_gets_a_russian_form_error_and_nothing_is_kept() -> None:
    from service.journal.models import Snapshot as SnapshotRow

    client = Client()
    client.force_login(create_user("adm", "sch-1", [Role.JOURNAL_ADMIN]))
    notes = io.BytesIO(b'{"format": "vedomost-journal"}')
    notes.name = "notes.txt"
    html = client.post("/import/", {"file": notes}).content.decode()
    assert "Поддерживаются файлы .json, .json.gz, .xlsx, .csv и .zip." in html
    assert SnapshotRow.objects.count() == 0
