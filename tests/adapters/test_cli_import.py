"""`vedomost import` end to end on a grid folder and a OneRoster zip (a real process, SQLite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.sample.export import grid_writer, oneroster_writer
from tests.adapters.factory import small_school
from tests.adapters.gridfiles import filler, marks_csv

ROOT = Path(__file__).resolve().parents[2]


def _vedomost(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEDOMOST_")}
    env["VEDOMOST_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.slow
def test_import_grid_folder_and_oneroster_zip(tmp_path):
    school = small_school()
    grid_writer.write_csv_folder(school, tmp_path / "grid")
    oneroster_writer.write_zip(school, tmp_path / "oneroster.zip")
    data = tmp_path / "var"

    first = _vedomost(data, "import", str(tmp_path / "grid"), "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["counts"]["marks"] == len(school.marks)
    again = _vedomost(data, "import", str(tmp_path / "grid"), "--format", "grid", "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["snapshot_id"] == report["snapshot_id"]

    roster = _vedomost(data, "import", str(tmp_path / "oneroster.zip"))
    assert roster.returncode == 0, roster.stderr
    assert (
        "МБОУ СОШ № 7" in roster.stdout or "Средняя общеобразовательная школа № 7" in roster.stdout
    )

    listed = _vedomost(data, "snapshots", "--json")
    assert len(json.loads(listed.stdout)) == 2


@pytest.mark.slow
def test_adapter_warnings_are_printed(tmp_path):
    marks_csv(tmp_path / "grid", filler(3))  # no «Директор:» line, no period dates
    result = _vedomost(tmp_path / "var", "import", str(tmp_path / "grid"))
    assert result.returncode == 0, result.stderr
    assert (
        "Предупреждение: 5А-математика.csv: директор не указан ни в одной шапке (строка "
        "«Директор:») — в документах будет «Директор (не указан)»" in result.stdout
    )


@pytest.mark.slow
def test_bad_grid_exits_2_with_the_place_named(tmp_path):
    marks_csv(tmp_path / "bad", [*filler(3), "4;Кузнецов Артём Сергеевич;5;Х;;"])
    result = _vedomost(tmp_path / "var", "import", str(tmp_path / "bad"))
    assert result.returncode == 2
    assert "5А-математика.csv, строка 13, столбец «05.09»: неизвестный код посещаемости «Х»" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
