"""Fill the normalised row tables of a stored snapshot (students, lessons, marks, …).

Two ways, same rows: on PostgreSQL the server builds them from the canonical JSON sections with
``json_to_recordset`` — one statement per table, no per-row Python work, and the server's CPU
runs while ours waits; elsewhere (SQLite) Python builds tuples and ``executemany`` inserts them.
``tests/journal/test_rows.py`` checks both give the same rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from django.db import connection

from service.journal import model as m
from service.journal import models as db
from service.journal.bulk import insert_rows


def write_rows(pk: int, snapshot: m.Snapshot, sections: dict[str, str]) -> None:
    """Insert every row of snapshot ``pk`` (inside the caller's transaction)."""
    if connection.vendor == "postgresql":
        _write_rows_sql(pk, snapshot, sections)
    else:
        _insert_rows(pk, snapshot)


def _period_lookup(snapshot: m.Snapshot) -> dict[dt.date, str]:
    days: dict[dt.date, str] = {}
    for period in snapshot.year.periods:
        day = period.start
        while day <= period.end:
            days.setdefault(day, period.id)
            day += dt.timedelta(days=1)
    return days


def _insert_rows(pk: int, s: m.Snapshot) -> None:
    period_of = _period_lookup(s).get
    lessons = s.lesson_by_id
    insert_rows(
        db.SnapshotStudent,
        [
            "snapshot",
            "student_id",
            "class_id",
            "last_name",
            "first_name",
            "middle_name",
            "enrolled_on",
            "left_on",
        ],
        (
            (
                pk,
                x.id,
                x.class_id,
                x.last_name,
                x.first_name,
                x.middle_name,
                x.enrolled_on,
                x.left_on,
            )
            for x in s.students
        ),
    )
    insert_rows(
        db.SnapshotLesson,
        [
            "snapshot",
            "lesson_id",
            "date",
            "number",
            "class_id",
            "subject_id",
            "group_id",
            "teacher_id",
            "period_id",
            "work_type",
        ],
        (
            (
                pk,
                x.id,
                x.date,
                x.number,
                x.class_id,
                x.subject_id,
                x.group_id,
                x.teacher_id,
                period_of(x.date),
                str(x.work_type),
            )
            for x in s.lessons
        ),
    )

    def marks() -> Iterator[tuple[Any, ...]]:
        for x in s.marks:
            lesson = lessons[x.lesson_id]
            yield (
                pk,
                x.id,
                x.lesson_id,
                x.student_id,
                lesson.class_id,
                lesson.subject_id,
                period_of(lesson.date),
                lesson.date,
                x.value,
                str(x.work_type),
                x.entered_at,
            )

    insert_rows(
        db.SnapshotMark,
        [
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
        ],
        marks(),
    )

    def attendance() -> Iterator[tuple[Any, ...]]:
        for x in s.attendance:
            lesson = lessons[x.lesson_id]
            yield (
                pk,
                x.lesson_id,
                x.student_id,
                lesson.class_id,
                lesson.subject_id,
                period_of(lesson.date),
                lesson.date,
                str(x.code),
            )

    insert_rows(
        db.SnapshotAttendance,
        [
            "snapshot",
            "lesson_id",
            "student_id",
            "class_id",
            "subject_id",
            "period_id",
            "date",
            "code",
        ],
        attendance(),
    )
    insert_rows(
        db.SnapshotPeriodMark,
        ["snapshot", "student_id", "subject_id", "period_id", "value"],
        ((pk, x.student_id, x.subject_id, x.period_id, x.value) for x in s.period_marks),
    )


def _table(model: type[Any]) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


# Each statement reads one canonical section (%(rows)s, JSON text). Defaults left out of the
# canonical form come back with COALESCE. Lessons go first: marks and attendance take class,
# subject, date and period from the lesson rows just written.
_SQL = {
    "students": """
        INSERT INTO {students} (snapshot_id, student_id, class_id, last_name, first_name,
                                middle_name, enrolled_on, left_on)
        SELECT %(pk)s, s.id, COALESCE(s.class_id, ''), s.last_name, s.first_name,
               COALESCE(s.middle_name, ''), s.enrolled_on, s.left_on
        FROM json_to_recordset(%(rows)s::json) AS s(id text, class_id text, last_name text,
             first_name text, middle_name text, enrolled_on date, left_on date)""",
    "lessons": """
        INSERT INTO {lessons} (snapshot_id, lesson_id, date, number, class_id, subject_id,
                               group_id, teacher_id, period_id, work_type)
        SELECT %(pk)s, l.id, l.date, l.number, l.class_id, l.subject_id, l.group_id,
               l.teacher_id,
               (SELECT p.id FROM json_to_recordset(%(periods)s::json)
                     AS p(id text, start date, "end" date)
                WHERE l.date BETWEEN p.start AND p."end" ORDER BY p.start LIMIT 1),
               COALESCE(l.work_type, 'class')
        FROM json_to_recordset(%(rows)s::json) AS l(id text, date date, number int,
             class_id text, subject_id text, group_id text, teacher_id text, work_type text)""",
    "marks": """
        INSERT INTO {marks} (snapshot_id, mark_id, lesson_id, student_id, class_id, subject_id,
                             period_id, date, value, work_type, entered_at)
        SELECT %(pk)s, x.id, x.lesson_id, x.student_id, l.class_id, l.subject_id, l.period_id,
               l.date, x.value, COALESCE(x.work_type, 'class'), x.entered_at
        FROM json_to_recordset(%(rows)s::json) AS x(id text, lesson_id text, student_id text,
             value text, work_type text, entered_at timestamptz)
        JOIN {lessons} l ON l.snapshot_id = %(pk)s AND l.lesson_id = x.lesson_id""",
    "attendance": """
        INSERT INTO {attendance} (snapshot_id, lesson_id, student_id, class_id, subject_id,
                                  period_id, date, code)
        SELECT %(pk)s, x.lesson_id, x.student_id, l.class_id, l.subject_id, l.period_id,
               l.date, x.code
        FROM json_to_recordset(%(rows)s::json) AS x(lesson_id text, student_id text, code text)
        JOIN {lessons} l ON l.snapshot_id = %(pk)s AND l.lesson_id = x.lesson_id""",
    "period_marks": """
        INSERT INTO {period_marks} (snapshot_id, student_id, subject_id, period_id, value)
        SELECT %(pk)s, x.student_id, x.subject_id, x.period_id, x.value
        FROM json_to_recordset(%(rows)s::json) AS x(student_id text, subject_id text,
             period_id text, value text)""",
}


def _write_rows_sql(pk: int, snapshot: m.Snapshot, sections: dict[str, str]) -> None:
    tables = {
        "students": _table(db.SnapshotStudent),
        "lessons": _table(db.SnapshotLesson),
        "marks": _table(db.SnapshotMark),
        "attendance": _table(db.SnapshotAttendance),
        "period_marks": _table(db.SnapshotPeriodMark),
    }
    periods = json.dumps(
        [
            {"id": p.id, "start": p.start.isoformat(), "end": p.end.isoformat()}
            for p in snapshot.year.periods
        ]
    )
    with connection.cursor() as cursor:
        for name, sql in _SQL.items():
            rows = sections.get(name)
            if rows is None:  # an empty list is left out of the canonical form
                continue
            cursor.execute(sql.format(**tables), {"pk": pk, "rows": rows, "periods": periods})
