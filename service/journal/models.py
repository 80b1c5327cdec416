"""Catalog of imported journal snapshots (Django models).

A :class:`Snapshot` row is one immutable import, identified by the SHA-256 of its canonical JSON,
which it keeps compressed (``load_snapshot`` rebuilds the exact journal snapshot from it).
The ``Snapshot*`` row tables below are the same data normalised for fast questions — the
class-subject-period grid, a student's marks across subjects — and are never edited: a newer
export is a new snapshot. Rows carry the source system's ids; ``period_id`` is denormalised onto
lessons, marks and attendance so grid queries need no date arithmetic.
"""

from __future__ import annotations

from django.db import models


class School(models.Model):
    """A school as the journal exports identify it (its ``school.id``)."""

    external_id = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=500)
    full_name = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "школа"
        verbose_name_plural = "школы"

    def __str__(self) -> str:
        return self.short_name


class Snapshot(models.Model):
    """One imported snapshot of a school's academic year."""

    sha256 = models.CharField(max_length=64, unique=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="snapshots")
    year = models.CharField(max_length=9)  # "2024/2025"
    as_of = models.DateField()
    imported_at = models.DateTimeField()
    source = models.CharField(max_length=500, blank=True)  # the exporting system (free text)
    source_format = models.CharField(max_length=20, blank=True)  # json | grid | oneroster
    source_file = models.CharField(max_length=255, blank=True)  # base name only
    source_sha256 = models.CharField(max_length=64, blank=True, db_index=True)  # the raw file
    counts = models.JSONField(default=dict)  # entity list → number of items
    canonical_json = models.BinaryField()  # zlib-compressed canonical bytes
    canonical_size = models.BigIntegerField()  # uncompressed
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_snapshots"
    )

    class Meta:
        verbose_name = "снимок журнала"
        verbose_name_plural = "снимки журнала"
        indexes = (models.Index(fields=["school", "year", "-id"], name="journal_snap_school_year"),)

    def __str__(self) -> str:
        return f"{self.year} {self.as_of} {self.sha256[:12]}"


# Row tables have composite primary keys that double as their most used index (no surrogate id,
# no sequence): fewer B-trees to maintain when a full year's marks are inserted. Their link to the
# snapshot has no database constraint: the rows are written only by ``rows.write_rows``, in the
# transaction that creates their snapshot row, and snapshots are never deleted (Django's
# ``on_delete`` still cascades in the ORM). The constraint's per-row check, queued until commit,
# was a third of PostgreSQL's work in a first import.


class SnapshotStudent(models.Model):
    pk = models.CompositePrimaryKey("snapshot", "student_id")
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.CASCADE,
        related_name="student_rows",
        db_index=False,
        db_constraint=False,
    )
    student_id = models.CharField(max_length=200)
    class_id = models.CharField(max_length=200)
    last_name = models.CharField(max_length=200)
    first_name = models.CharField(max_length=200)
    middle_name = models.CharField(max_length=200, blank=True)
    enrolled_on = models.DateField(null=True)
    left_on = models.DateField(null=True)

    class Meta:
        indexes = (models.Index(fields=["snapshot", "class_id"], name="journal_student_class"),)


class SnapshotLesson(models.Model):
    pk = models.CompositePrimaryKey("snapshot", "lesson_id")
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.CASCADE,
        related_name="lesson_rows",
        db_index=False,
        db_constraint=False,
    )
    lesson_id = models.CharField(max_length=200)
    date = models.DateField()
    number = models.SmallIntegerField()
    class_id = models.CharField(max_length=200)
    subject_id = models.CharField(max_length=200)
    group_id = models.CharField(max_length=200, null=True)
    teacher_id = models.CharField(max_length=200)
    period_id = models.CharField(max_length=200, null=True)  # None: outside every period
    work_type = models.CharField(max_length=20)

    class Meta:
        indexes = (
            models.Index(
                fields=["snapshot", "class_id", "subject_id", "period_id", "date"],
                name="journal_lesson_grid",
            ),
        )


class SnapshotMark(models.Model):
    # The key serves "a student's marks across subjects"; the grid has its own index.
    pk = models.CompositePrimaryKey("snapshot", "student_id", "subject_id", "mark_id")
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.CASCADE,
        related_name="mark_rows",
        db_index=False,
        db_constraint=False,
    )
    mark_id = models.CharField(max_length=200)
    lesson_id = models.CharField(max_length=200)
    student_id = models.CharField(max_length=200)
    class_id = models.CharField(max_length=200)
    subject_id = models.CharField(max_length=200)
    period_id = models.CharField(max_length=200, null=True)
    date = models.DateField()
    value = models.CharField(max_length=2)
    work_type = models.CharField(max_length=20)
    entered_at = models.DateTimeField(null=True)

    class Meta:
        indexes = (
            models.Index(
                fields=["snapshot", "class_id", "subject_id", "period_id"], name="journal_mark_grid"
            ),
        )


class SnapshotAttendance(models.Model):
    pk = models.CompositePrimaryKey("snapshot", "student_id", "lesson_id")
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.CASCADE,
        related_name="attendance_rows",
        db_index=False,
        db_constraint=False,
    )
    lesson_id = models.CharField(max_length=200)
    student_id = models.CharField(max_length=200)
    class_id = models.CharField(max_length=200)
    subject_id = models.CharField(max_length=200)
    period_id = models.CharField(max_length=200, null=True)
    date = models.DateField()
    code = models.CharField(max_length=1)

    class Meta:
        indexes = (
            models.Index(
                fields=["snapshot", "class_id", "subject_id", "period_id"],
                name="journal_attendance_grid",
            ),
        )


class SnapshotPeriodMark(models.Model):
    pk = models.CompositePrimaryKey("snapshot", "student_id", "subject_id", "period_id")
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.CASCADE,
        related_name="period_mark_rows",
        db_index=False,
        db_constraint=False,
    )
    student_id = models.CharField(max_length=200)
    subject_id = models.CharField(max_length=200)
    period_id = models.CharField(max_length=200)
    value = models.CharField(max_length=10)

    class Meta:
        indexes = (
            models.Index(
                fields=["snapshot", "subject_id", "period_id"], name="journal_pmark_subject"
            ),
        )
