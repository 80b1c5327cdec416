"""A sample cut at a date shows the journal as it was on that day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from service.sample import generate_school
from service.sample.cut import cut_at

D = dt.date.fromisoformat
DAY = dt.date(2024, 12, 10)


@pytest.fixture(scope="module")
def cut(sample_school_dict: dict[str, Any]) -> dict[str, Any]:
    return cut_at(sample_school_dict, DAY)


def test_nothing_after_the_day(cut: dict[str, Any]) -> None:
    assert cut["as_of"] == DAY.isoformat()
    assert max(D(x["date"]) for x in cut["lessons"]) <= DAY
    assert all(D(m["entered_at"][:10]) <= DAY for m in cut["marks"])
    assert all(D(x["entered_at"][:10]) <= DAY for x in cut["lessons"] if "entered_at" in x)
    assert all(D(s["enrolled_on"]) <= DAY for s in cut["students"])
    assert all(D(s["left_on"]) <= DAY for s in cut["students"] if "left_on" in s)
    assert all(D(m["date"]) <= DAY for m in cut["movements"])
    assert not cut["decisions"]


def test_only_finished_periods_have_marks(cut: dict[str, Any]) -> None:
    assert {p["period_id"] for p in cut["period_marks"]} == {"Q1"}


def test_lessons_entered_later_are_not_filled_in_yet(
    cut: dict[str, Any], sample_school_dict: dict[str, Any]
) -> None:
    empty = [x for x in cut["lessons"] if "entered_at" not in x]
    assert empty and all("topic" not in x for x in empty)
    full = {x["id"]: x for x in sample_school_dict["lessons"]}
    assert all(D(full[x["id"]]["entered_at"][:10]) > DAY for x in empty)


def test_the_full_document_is_left_alone(sample_school_dict: dict[str, Any]) -> None:
    before = len(sample_school_dict["lessons"])
    cut_at(sample_school_dict, DAY)
    assert len(sample_school_dict["lessons"]) == before
    assert sample_school_dict["as_of"] == "2025-06-30"


def test_generate_with_as_of_equals_cutting() -> None:
    full = generate_school(students=25, seed=5)
    assert (
        generate_school(students=25, seed=5, as_of="2025-03-01")["lessons"]
        == cut_at(full, dt.date(2025, 3, 1))["lessons"]
    )


def test_a_day_before_the_year_is_refused(sample_school_dict: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="раньше начала"):
        cut_at(sample_school_dict, dt.date(2024, 8, 1))
