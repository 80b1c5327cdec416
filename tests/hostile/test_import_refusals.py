"""Malformed imports through the CLI (exit 2) and the API (HTTP 400): nothing stored."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client

from service.accounts.roles import Role
from service.accounts.tokens import issue_token
from service.accounts.users import create_user
from service.cli.main import _register, cli
from service.journal.models import Snapshot
from tests.hostile.corpus import CASES, Case

# One case of each family and fault kind is enough here: the corpus test covers the messages.
SAMPLE = [
    c
    for c in CASES
    if c.id.split("-", 1)[1].startswith(
        (
            "nan",
            "int-huge",
            "lone-",
            "mark-as",
            "version-as",
            "unbalanced",
            "megabyte",
            "impossible-date-header",
            "formula-without",
            "sparse",
            "utf16",
        )
    )
]


def test_the_sample_covers_every_family() -> None:
    assert {c.id.split("-", 1)[0] for c in SAMPLE} == {"json", "csv", "xlsx", "oneroster"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", SAMPLE, ids=lambda c: c.id)
def test_cli_import_exits_2_and_stores_nothing(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a hostile file WHEN `vedomost import --json` runs THEN exit 2 and no snapshot."""
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    path = case.build(tmp_path)
    _register()
    result = CliRunner().invoke(cli, ["import", str(path), "--json"])
    assert result.exit_code == 2, result.output
    report = json.loads(result.output)
    assert report["status"] == "invalid"
    assert any(case.expected.split(": ")[-1] in p["message"] for p in report["problems"]), report
    assert not Snapshot.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("case", SAMPLE, ids=lambda c: c.id)
def test_api_import_answers_400_and_stores_nothing(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a hostile upload WHEN POST /api/imports THEN 400 with Russian problems, no snapshot."""
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    path = case.build(tmp_path)
    user = create_user("hostile-admin", "sch-1", [Role.DIRECTOR, Role.JOURNAL_ADMIN])
    client = Client(headers={"Authorization": f"Bearer {issue_token(user, 'hostile')}"})
    upload = io.BytesIO(path.read_bytes())
    upload.name = path.name
    response = client.post("/api/imports", {"file": upload})
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert body["detail"] == "Выгрузка не загружена"
    assert any(case.expected.split(": ")[-1] in p["message"] for p in body["problems"]), body
    assert not Snapshot.objects.exists()
