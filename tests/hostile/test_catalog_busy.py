"""A busy SQLite catalog answers 503 with a Russian page or JSON detail, not a traceback.

The lock is real: another connection holds ``BEGIN IMMEDIATE`` on the test database file while
the request runs, and the busy timeout is cut to a fraction of a second for these tests.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner
from django.db import connection
from django.test import Client

from service.accounts.roles import Role
from service.accounts.tokens import issue_token
from service.accounts.users import create_user
from service.cli import main as cli_main
from service.jobs.progress import PlannedItem, create_job
from tests.fixtures.web import small_school_json

BUSY = "Каталог занят, повторите через минуту"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Connections opened from now on wait 0.3 s for the lock instead of 30 s."""
    if connection.vendor != "sqlite":
        # The lock is SQLite's file lock; the SQLite pass of .ci/test runs these, PostgreSQL
        # waits on row locks instead and has no «database is locked».
        pytest.skip("the embedded SQLite catalog's file lock; covered by the SQLite pass")
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.3)
    connection.close()
    yield
    connection.close()


def test_a_web_write_on_a_busy_catalog_gets_a_russian_503(short_busy_timeout: None) -> None:
    """GIVEN the catalog's write lock held elsewhere WHEN a job is retried from the web THEN
    503 with the Russian page, and once the lock is gone the same request works."""
    user = create_user("director", "sch-1", [Role.DIRECTOR], password="correct horse battery")
    job = create_job("sch-1", "period-render", [PlannedItem("d1", "док 1")])
    client = Client()
    client.force_login(user)
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, timeout=5)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = client.post(f"/jobs/{job.id}/retry", {"next": "/"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    page = response.content.decode()
    assert response.status_code == 503, page[:500]
    assert BUSY in page and "Traceback" not in page
    assert response["Retry-After"] == "60"
    assert client.post(f"/jobs/{job.id}/retry", {"next": "/"}).status_code == 302


def test_an_api_import_on_a_busy_catalog_gets_a_russian_503_json(
    short_busy_timeout: None,
) -> None:
    """POST /api/imports while the catalog is locked: 503 and ``detail`` in Russian."""
    user = create_user("api-admin", "sch-1", [Role.DIRECTOR, Role.JOURNAL_ADMIN])
    client = Client(headers={"Authorization": f"Bearer {issue_token(user, 't')}"})
    upload = io.BytesIO(small_school_json().encode())
    upload.name = "school.json"
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, timeout=5)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = client.post("/api/imports", {"file": upload})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503, response.content[:500]
    assert response.json()["detail"].startswith(BUSY)


def test_a_cli_command_on_a_busy_catalog_exits_75_with_the_russian_line(
    short_busy_timeout: None,
) -> None:
    """Any command whose write meets the lock: «Ошибка: Каталог занят…», exit 75, no traceback."""

    @click.command("write-job")
    def write_job() -> None:
        create_job("sch-1", "period-render", [PlannedItem("d1", "док 1")])

    cli_main.cli.add_command(write_job)
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, timeout=5)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = CliRunner().invoke(cli_main.cli, ["write-job"], catch_exceptions=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        del cli_main.cli.commands["write-job"]
    assert result.exit_code == 75
    assert result.stderr.startswith(f"Ошибка: {BUSY}")
    assert "Traceback" not in result.output
