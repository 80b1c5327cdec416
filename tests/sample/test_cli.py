"""``vedomost sample``: writes the file, prints counts, refuses bad input with exit code 2."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from service.cli.sample import sample


def test_writes_a_gzipped_school_and_payroll_and_prints_json(tmp_path: Path) -> None:
    target = tmp_path / "school.json.gz"
    result = CliRunner().invoke(
        sample,
        [
            "--students",
            "30",
            "--seed",
            "3",
            "-o",
            str(target),
            "--payroll",
            str(tmp_path / "p"),
            "--periods",
            "half",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    doc = json.loads(gzip.decompress(target.read_bytes()))
    assert summary["counts"]["students"] == len(doc["students"]) == 30
    assert summary["counts"]["lessons"] == len(doc["lessons"])
    assert [p["id"] for p in doc["year"]["periods"]] == ["H1", "H2"]
    assert sorted(p.name for p in (tmp_path / "p").iterdir())[0].startswith("tabel-2024-")


def test_prints_counts_in_russian(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        sample, ["--students", "20", "--as-of", "2024-11-01", "-o", str(tmp_path / "s.json")]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "s.json").read_text("utf-8"))
    assert doc["as_of"] == "2024-11-01" and "срез на 01.11.2024" in result.output
    assert f"ученики: {len(doc['students'])}\n" in result.output and "уроки:" in result.output


def test_bad_year_and_date_exit_with_code_2(tmp_path: Path) -> None:
    out = str(tmp_path / "x.json")
    bad_year = CliRunner().invoke(sample, ["--year", "2024-2025", "-o", out])
    assert bad_year.exit_code == 2 and "учебный год" in bad_year.output
    bad_day = CliRunner().invoke(sample, ["--as-of", "01.11.2024", "-o", out])
    assert bad_day.exit_code == 2 and "ГГГГ-ММ-ДД" in bad_day.output
    outside = CliRunner().invoke(sample, ["--as-of", "2023-11-01", "-o", out])
    assert outside.exit_code == 2 and "вне учебного года" in outside.output
    assert not (tmp_path / "x.json").exists()
