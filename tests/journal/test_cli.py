"""``vedomost import`` / ``snapshots``: summaries, --json, exit code 2 with Russian problems."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli.main import _register, cli
from service.journal.canonical import snapshot_to_dict
from tests.journal.factories import tiny_snapshot

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner() -> CliRunner:
    _register()
    return CliRunner()


def write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_import_prints_a_russian_summary_then_unchanged(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "school.json", snapshot_to_dict(tiny_snapshot()))
    first = runner.invoke(cli, ["import", str(path)])
    assert first.exit_code == 0, first.output
    assert "Школа: МБОУ «Школа № 1» (sch-1)" in first.output
    assert "Учебный год: 2024/2025, данные на 28.12.2024" in first.output
    assert "создан новый снимок" in first.output
    assert "ученики 3" in first.output and "отметки 3" in first.output
    again = runner.invoke(cli, ["import", str(path), "--json"])
    assert again.exit_code == 0
    data = json.loads(again.output)
    assert data["status"] == "unchanged" and data["counts"]["marks"] == 3


def test_import_of_a_changed_export_prints_the_changes(runner: CliRunner, tmp_path: Path) -> None:
    data = snapshot_to_dict(tiny_snapshot())
    runner.invoke(cli, ["import", str(write(tmp_path / "a.json", data))])
    data["marks"][0]["value"] = "3"
    result = runner.invoke(cli, ["import", str(write(tmp_path / "b.json", data)), "--json"])
    out = json.loads(result.output)
    assert out["status"] == "created"
    assert out["changes"]["counts"]["marks"] == {"added": 0, "changed": 1, "removed": 0}
    assert out["changes"]["marks"][0]["mark_id"] == "mk-1"
    listing = json.loads(runner.invoke(cli, ["snapshots", "--json"]).output)
    assert [s["snapshot_id"] for s in listing] == [out["snapshot_id"], out["previous_id"]]
    text = runner.invoke(cli, ["snapshots"]).output
    assert text.count("МБОУ «Школа № 1»") == 2


def test_invalid_input_exits_2_with_problems(runner: CliRunner, tmp_path: Path) -> None:
    data = snapshot_to_dict(tiny_snapshot())
    data["marks"][1]["value"] = "6"
    result = runner.invoke(cli, ["import", str(write(tmp_path / "bad.json", data))])
    assert result.exit_code == 2
    assert "bad.json, /marks/1, поле «value»: отметка «6» вне шкалы 1–5" in result.output
    as_json = runner.invoke(cli, ["import", str(tmp_path / "bad.json"), "--json"])
    assert as_json.exit_code == 2
    problem = json.loads(as_json.output)["problems"][0]
    assert problem == {
        "file": "bad.json",
        "location": "/marks/1",
        "field": "value",
        "message": "отметка «6» вне шкалы 1–5",
    }
    assert "Снимков пока нет" in runner.invoke(cli, ["snapshots"]).output


def test_the_real_command_exits_2_without_a_traceback(tmp_path: Path) -> None:
    """The installed entry point, in a fresh process with its own SQLite catalog."""
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": ', "utf-8")
    env = {**os.environ, "VEDOMOST_DATA_DIR": str(tmp_path / "var")}
    env.pop("VEDOMOST_DATABASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "service", "import", str(bad)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "broken.json, строка 1, позиция 12: это не JSON: ожидалось значение" in proc.stderr
    assert "Traceback" not in proc.stderr
