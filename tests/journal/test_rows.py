"""The row tables: the PostgreSQL (server-side SQL) and the Python path write the same rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from service.journal import models as db
from service.journal import rows
from service.journal.canonical import canonical_document
from tests.journal.factories import tiny_snapshot

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = {
    db.SnapshotStudent: (
        "student_id",
        "class_id",
        "last_name",
        "first_name",
        "middle_name",
        "enrolled_on",
        "left_on",
    ),
    db.SnapshotLesson: (
        "lesson_id",
        "date",
        "number",
        "class_id",
        "subject_id",
        "group_id",
        "teacher_id",
        "period_id",
        "work_type",
    ),
    db.SnapshotMark: (
        "mark_id",
        "lesson_id",
        "student_id",
        "class_id",
        "subject_id",
        "period_id",
        "date",
        "value",
        "work_type",
        "entered_at",
    ),
    db.SnapshotAttendance: (
        "lesson_id",
        "student_id",
        "class_id",
        "subject_id",
        "period_id",
        "date",
        "code",
    ),
    db.SnapshotPeriodMark: ("student_id", "subject_id", "period_id", "value"),
}


def empty_snapshot_row(digest: str) -> db.Snapshot:
    school, _ = db.School.objects.get_or_create(
        external_id="sch-1", defaults={"short_name": "Школа", "full_name": "Школа"}
    )
    return db.Snapshot.objects.create(
        sha256=digest,
        school=school,
        year="2024/2025",
        as_of=dt.date(2024, 12, 28),
        imported_at=timezone.now(),
        canonical_json=b"",
        canonical_size=0,
    )


def table_rows(pk: int) -> dict[str, list[tuple]]:
    return {
        model.__name__: sorted(model.objects.filter(snapshot_id=pk).values_list(*fields))
        for model, fields in TABLES.items()
    }


@pytest.mark.postgres
def test_sql_path_and_python_path_write_the_same_rows() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the server-side path runs in the PostgreSQL pass of the suite")
    snapshot = tiny_snapshot()
    sections = canonical_document(snapshot).sections
    via_python = empty_snapshot_row("a" * 64)
    via_sql = empty_snapshot_row("b" * 64)
    rows._insert_rows(via_python.pk, snapshot)
    rows._write_rows_sql(via_sql.pk, snapshot, sections)
    expected = table_rows(via_python.pk)
    assert table_rows(via_sql.pk) == expected
    assert len(expected["SnapshotMark"]) == 3 and len(expected["SnapshotAttendance"]) == 2
    marks = {r[0]: r for r in expected["SnapshotMark"]}
    assert marks["mk-2"][5:9] == ("Q1", dt.date(2024, 9, 3), "4", "test")


def test_grid_and_student_questions_are_answered_from_rows() -> None:
    """The questions the row tables exist for, on whichever database runs the suite."""
    from service.journal.store import save_snapshot

    result = save_snapshot(tiny_snapshot())
    snap = db.Snapshot.objects.get(sha256=result.snapshot_id)
    grid = db.SnapshotMark.objects.filter(
        snapshot=snap, class_id="5А", subject_id="math", period_id="Q1"
    ).order_by("date", "student_id")
    assert [(m.student_id, m.value) for m in grid] == [("s-1", "5"), ("s-2", "4")]
    across = db.SnapshotMark.objects.filter(snapshot=snap, student_id="s-3").values_list(
        "subject_id", "value"
    )
    assert list(across) == [("rus", "3")]
    absences = db.SnapshotAttendance.objects.filter(snapshot=snap, student_id="s-1")
    assert [(a.date, a.code) for a in absences] == [(dt.date(2024, 9, 3), "Б")]
