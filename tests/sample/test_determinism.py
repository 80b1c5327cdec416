"""Same seed, same bytes; another seed, another school; files written as .json and .json.gz."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from service.sample import dump_school, generate_school, write_school
from service.sample.calendar import build_calendar


def test_same_seed_gives_the_same_bytes_and_another_seed_differs() -> None:
    first = dump_school(generate_school(students=30, seed=7))
    again = dump_school(generate_school(students=30, seed=7))
    other = dump_school(generate_school(students=30, seed=8))
    assert first == again
    assert first != other


def test_written_files_are_identical_and_readable(tmp_path: Path, sample_school_dict: dict) -> None:
    plain, packed_a, packed_b = tmp_path / "a.json", tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    write_school(plain, doc=sample_school_dict)
    write_school(packed_a, doc=sample_school_dict)
    write_school(packed_b, doc=sample_school_dict)
    assert packed_a.read_bytes() == packed_b.read_bytes()
    assert gzip.decompress(packed_a.read_bytes()) == plain.read_bytes()
    assert json.loads(plain.read_bytes()) == sample_school_dict
    compact = json.dumps(sample_school_dict, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert plain.read_text(encoding="utf-8") == compact


def test_pretty_output_is_the_same_document(tmp_path: Path, sample_school_dict: dict) -> None:
    target = tmp_path / "pretty.json"
    write_school(target, doc=sample_school_dict, pretty=True)
    text = target.read_text(encoding="utf-8")
    assert "\n" in text.strip() and json.loads(text) == sample_school_dict


def test_class_count_follows_the_number_of_students() -> None:
    small = generate_school(students=60, seed=3)
    assert len(small["classes"]) == 11
    assert len(small["students"]) == 60


def test_another_year_is_supported() -> None:
    doc = generate_school(students=22, year="2025/2026", seed=1)
    assert doc["year"]["id"] == "2025/2026"
    assert min(x["date"] for x in doc["lessons"]) == "2025-09-01"
    assert max(x["date"] for x in doc["lessons"]) <= "2026-05-26"


def test_calendar_2024_2025_has_the_usual_holidays() -> None:
    cal = build_calendar("2024/2025")
    assert [(t.start.isoformat(), t.end.isoformat()) for t in cal.terms] == [
        ("2024-09-02", "2024-10-25"),
        ("2024-11-05", "2024-12-27"),
        ("2025-01-09", "2025-03-21"),
        ("2025-03-31", "2025-05-26"),
    ]
    names = {b.name for b in cal.breaks}
    assert {"Осенние каникулы", "Зимние каникулы", "Весенние каникулы"} <= names
    assert all(d.weekday() < 5 for d in cal.school_days)


def test_an_int_year_is_the_first_calendar_year() -> None:
    assert build_calendar(2025) == build_calendar("2025/2026")


@pytest.mark.parametrize("bad", ["2024", "2024/2026", "24/25", 24])
def test_bad_year_is_refused_in_russian(bad: str) -> None:
    with pytest.raises(ValueError, match="учебный год"):
        generate_school(students=30, year=bad)
