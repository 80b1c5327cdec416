"""Every key of the sample document is a field of the canonical model, with a value of its type.

The conversion here is deliberately naive and independent of the foundation's parser: it checks
that the generator speaks the model's language (JSON keys = dataclass field names, enums by
value) and that the result builds a :class:`Snapshot` whose own indexes agree with the document.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from enum import Enum
from typing import Any

import pytest

from service.journal import snapshot as model

LISTS: dict[str, type] = {
    "staff": model.StaffMember,
    "classes": model.SchoolClass,
    "students": model.Student,
    "guardians": model.Guardian,
    "subjects": model.Subject,
    "assignments": model.Assignment,
    "lessons": model.Lesson,
    "marks": model.Mark,
    "attendance": model.Attendance,
    "period_marks": model.PeriodMark,
    "decisions": model.YearDecision,
    "movements": model.Movement,
    "substitutions": model.Substitution,
    "consents": model.Consent,
}


def _convert(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(options[0], value, where)
    if origin is tuple:
        assert isinstance(value, list), where
        (inner, _) = typing.get_args(tp)
        return tuple(_convert(inner, v, where) for v in value)
    if tp is dt.date:
        return dt.date.fromisoformat(value)
    if tp is dt.datetime:
        moment = dt.datetime.fromisoformat(value)
        assert moment.tzinfo is not None, where
        return moment
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(value)
    if dataclasses.is_dataclass(tp):
        return _build(tp, value, where)
    if tp is float:
        assert isinstance(value, int | float) and not isinstance(value, bool), where
        return float(value)
    assert isinstance(value, tp), f"{where}: {value!r} is not {tp}"
    return value


@functools.cache
def _shape(cls: type) -> tuple[dict[str, Any], dict[str, dataclasses.Field]]:
    return typing.get_type_hints(cls), {f.name: f for f in dataclasses.fields(cls)}


def _build(cls: type, record: dict[str, Any], where: str) -> Any:
    hints, fields = _shape(cls)
    unknown = set(record) - set(fields)
    assert not unknown, f"{where}: keys not in {cls.__name__}: {unknown}"
    for name, f in fields.items():
        no_default = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if no_default:
            assert name in record, f"{where}: {cls.__name__}.{name} missing"
    return cls(**{k: _convert(hints[k], v, f"{where}.{k}") for k, v in record.items()})


@pytest.fixture(scope="module")
def snapshot(sample_school_dict: dict[str, Any]) -> model.Snapshot:
    doc = sample_school_dict
    assert doc["format"] == model.FORMAT_NAME and doc["version"] == model.FORMAT_VERSION
    year = _build(model.AcademicYear, doc["year"], "/year")
    lists = {
        key: tuple(_build(cls, r, f"/{key}/{i}") for i, r in enumerate(doc[key]))
        for key, cls in LISTS.items()
    }
    return model.Snapshot(
        school=_build(model.School, doc["school"], "/school"),
        year=year,
        as_of=dt.date.fromisoformat(doc["as_of"]),
        source=doc["source"],
        **lists,
    )


def test_document_builds_the_canonical_snapshot(snapshot: model.Snapshot) -> None:
    assert snapshot.director is not None and snapshot.director.position == "директор"
    assert [p.kind for p in snapshot.year.periods] == [model.PeriodKind.QUARTER] * 4
    assert all(isinstance(m.entered_at, dt.datetime) for m in snapshot.marks[:100])


def test_snapshot_indexes_agree(snapshot: model.Snapshot) -> None:
    for class_id, students in snapshot.students_of_class.items():
        assert class_id in snapshot.class_by_id
        assert len(students) >= 1
    some = snapshot.classes[-1]
    subject = next(a.subject_id for a in snapshot.assignments if a.class_id == some.id)
    for period in snapshot.year.periods:
        lessons = snapshot.lessons_in(some.id, subject, period)
        assert lessons and all(snapshot.period_of(x.date) == period for x in lessons)


def test_lessons_held_match_the_hours_per_week(snapshot: model.Snapshot) -> None:
    weeks = len({d.isocalendar()[:2] for d in (x.date for x in snapshot.lessons)})
    held: dict[tuple[str, str, str | None], int] = {}
    for lesson in snapshot.lessons:
        key = (lesson.class_id, lesson.subject_id, lesson.group_id)
        held[key] = held.get(key, 0) + 1
    for a in snapshot.assignments:
        count = held[(a.class_id, a.subject_id, a.group_id)]
        # Holidays on weekdays cost a few lessons; the count is never above the plan.
        assert 0.85 * a.hours_per_week * weeks <= count <= a.hours_per_week * weeks, a
