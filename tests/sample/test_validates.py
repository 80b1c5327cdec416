"""The sample school passes the foundation's own checks: the JSON Schema and the snapshot checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from service.journal.canonical import snapshot_from_dict, snapshot_hash, snapshot_to_dict
from service.journal.checks import check_snapshot
from service.journal.errors import ProblemCollector
from service.journal.schema_check import is_valid, schema_problems
from service.journal.snapshot import Snapshot
from service.sample.cut import cut_at


@pytest.fixture(
    scope="module",
    params=["full-year", "cut-2024-12-10", "cut-2025-05-27", "halves", "trimesters"],
)
def doc(request: pytest.FixtureRequest, sample_school_dict: dict[str, Any]) -> dict[str, Any]:
    if request.param == "full-year":
        return sample_school_dict
    if request.param in ("halves", "trimesters"):
        return request.getfixturevalue(f"sample_school_{request.param}_dict")
    return cut_at(sample_school_dict, dt.date.fromisoformat(request.param[4:]))


def test_document_is_valid_against_the_published_schema(doc: dict[str, Any]) -> None:
    problems = ProblemCollector()
    schema_problems(doc, "sample.json", problems)
    assert not problems.problems, [str(p) for p in problems.problems[:5]]
    assert is_valid(doc)


def test_snapshot_has_no_problems(doc: dict[str, Any]) -> None:
    problems = ProblemCollector()
    check_snapshot(snapshot_from_dict(doc), "sample.json", problems)
    assert not problems.problems, [str(p) for p in problems.problems[:5]]


def test_sample_snapshot_fixture_round_trips(
    sample_snapshot: Snapshot, sample_school_dict: dict[str, Any]
) -> None:
    assert len(sample_snapshot.students) == len(sample_school_dict["students"])
    again = snapshot_from_dict(snapshot_to_dict(sample_snapshot))
    assert snapshot_hash(again) == snapshot_hash(sample_snapshot)
    assert sample_snapshot.director is not None
