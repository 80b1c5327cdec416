"""Bulk row insertion: COPY on PostgreSQL, executemany on SQLite — same values come back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from service.journal import models as db
from service.journal.bulk import insert_rows

pytestmark = pytest.mark.django_db(transaction=True)

MSK = dt.timezone(dt.timedelta(hours=3))


def test_awkward_values_survive_the_bulk_path() -> None:
    """Tabs, newlines, backslashes, quotes and NULLs are what a hand-made COPY would break on."""
    school = db.School.objects.create(external_id="s", short_name="s", full_name="s")
    snap = db.Snapshot.objects.create(
        sha256="c" * 64,
        school=school,
        year="2024/2025",
        as_of=dt.date(2025, 1, 1),
        imported_at=timezone.now(),
        canonical_json=b"",
        canonical_size=0,
    )
    awkward = "таб\tперенос\nобратный\\слэш «кавычки» 'x' \"y\" ∅"
    rows = [
        (
            snap.pk,
            f"m{i}",
            "l1",
            awkward if i == 0 else f"s{i}",
            "5А",
            "math",
            None if i == 1 else "Q1",
            dt.date(2024, 9, 2),
            "5",
            "class",
            dt.datetime(2024, 9, 2, 9, 40, 5, 123456, tzinfo=MSK) if i != 2 else None,
        )
        for i in range(12_000)  # more than one executemany batch
    ]
    columns = [
        "snapshot",
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
    ]
    with transaction.atomic():
        assert insert_rows(db.SnapshotMark, columns, iter(rows)) == 12_000
    stored = {m.mark_id: m for m in db.SnapshotMark.objects.filter(snapshot=snap)}
    assert len(stored) == 12_000
    assert stored["m0"].student_id == awkward
    assert stored["m1"].period_id is None
    assert stored["m2"].entered_at is None
    assert stored["m3"].entered_at == dt.datetime(2024, 9, 2, 6, 40, 5, 123456, tzinfo=dt.UTC)
    assert stored["m3"].date == dt.date(2024, 9, 2)
