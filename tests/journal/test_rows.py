"""The row tables answer the questions they exist for."""

from __future__ import annotations

import datetime as dt

import pytest

from service.journal import models as db
from tests.journal.factories import tiny_snapshot

pytestmark = pytest.mark.django_db(transaction=True)


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
