"""``vedomost statements issue | list | ack``: the register of issued statements from the shell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from service.cli.main import _register, cli
from service.orders.models import StatementIssue

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def run() -> object:
    _register()
    runner = CliRunner()

    def invoke(*args: str) -> object:
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_issue_list_and_acknowledge(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the demo school WHEN the batch of 5А is issued from the shell THEN the PDF is written
    and the register lists each statement pending; `ack` records the name as written."""
    out = tmp_path / "batch.pdf"
    result = run(
        "statements", "issue", "--demo", "--class", "5А", "--period", "Q4",
        "--date", "2026-05-29", "-o", str(out), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["statements"] == 2 and len(PdfReader(out).pages) == info["pages"]
    assert (
        StatementIssue.objects.filter(batch=info["batch"], issued_by="командная строка").count()
        == 2
    )

    pending = json.loads(run("statements", "list", "--demo", "--pending", "--json").output)
    assert [x["id"] for x in pending] == sorted(info["issues"], reverse=True)
    assert {x["covers"] for x in pending} == {"4 четверть"}

    first = info["issues"][0]
    done = run(
        "statements", "ack", str(first), "--demo", "--by", "Иванова Е. С.", "--date", "2026-06-01"
    )
    assert done.exit_code == 0, done.output
    assert "ознакомлен(а) 01.06.2026, Иванова Е. С." in done.output
    again = run("statements", "ack", str(first), "--demo", "--by", "Иванова")
    assert again.exit_code == 2 and "уже отмечено" in again.output
    listed = run("statements", "list", "--demo", "--class", "5А").output
    assert "ждёт ознакомления" in listed and "ознакомлен(а) 01.06.2026: Иванова Е. С." in listed


def test_render_parent_statement_for_a_class_is_recorded(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The older `render parent-statement --class` path goes through the same register."""
    from service.journal.store import save_snapshot
    from service.orders.sample_school import demo_snapshot

    snapshot = demo_snapshot()
    save_snapshot(snapshot)
    out = tmp_path / "render.pdf"
    result = run(
        "render", "parent-statement", "--class", "5А", "--period", "Q4",
        "--snapshot", snapshot.snapshot_id or "", "-o", str(out), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["students"] == 2 and out.is_file()
    assert StatementIssue.objects.filter(class_id="5А", period_id="Q4").count() == 2
