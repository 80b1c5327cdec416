"""Period summary sheet (сводная ведомость успеваемости за период) of one class."""

from __future__ import annotations

from collections import Counter

from service.documents.common import (
    ABSENCE_CODES,
    class_students,
    get_class,
    get_period,
    make_meta,
    percent,
)
from service.documents.data import SummaryData, SummaryRow
from service.documents.stats import mark_stats
from service.journal.snapshot import NOT_ATTESTED, AttendanceCode, Snapshot, Subject

KIND = "period-summary"


def class_subjects(snapshot: Snapshot, class_id: str) -> tuple[Subject, ...]:
    """Subjects taught in a class, in the order of the snapshot's subject list."""
    taught = {a.subject_id for a in snapshot.assignments if a.class_id == class_id}
    return tuple(s for s in snapshot.subjects if s.id in taught)


def build_summary(snapshot: Snapshot, class_id: str | None, period_id: str | None) -> SummaryData:
    """Students × subjects period marks, absences and per-subject statistics."""
    school_class = get_class(snapshot, class_id)
    period = get_period(snapshot, period_id)
    subjects = class_subjects(snapshot, school_class.id)
    students = class_students(snapshot, school_class.id, period.start, period.end)
    index = snapshot.period_mark_index
    rows = []
    for number, student in enumerate(students, start=1):
        marks = tuple(index.get((student.id, s.id, period.id), "") for s in subjects)
        codes: Counter[str] = Counter()
        for record in snapshot.attendance_of_student.get(student.id, ()):
            lesson = snapshot.lesson_by_id.get(record.lesson_id)
            if lesson and period.start <= lesson.date <= period.end:
                codes[record.code] += 1
        rows.append(
            SummaryRow(
                number=number,
                student_id=student.id,
                name=student.short_name,
                marks=marks,
                absences=sum(codes[c] for c in ABSENCE_CODES),
                absences_ill=codes[AttendanceCode.ILL],
            )
        )
    stats = tuple(mark_stats(row.marks[i] for row in rows) for i in range(len(subjects)))
    excellent = good = one_three = failing = 0
    graded = 0
    for row in rows:
        values = [m for m in row.marks if m in ("5", "4", "3", "2", "1", NOT_ATTESTED)]
        if not values:
            continue
        graded += 1
        if any(m in ("2", "1", NOT_ATTESTED) for m in values):
            failing += 1
        elif all(m == "5" for m in values):
            excellent += 1
        elif all(m in ("5", "4") for m in values):
            good += 1
        elif sum(1 for m in values if m == "3") == 1:
            one_three += 1
    params = {"class": school_class.id, "period": period.id}
    return SummaryData(
        meta=make_meta(
            snapshot,
            KIND,
            "Сводная ведомость успеваемости за период",
            params,
            class_id=school_class.id,
            period=period,
            signatures=("class_teacher", "director"),
        ),
        subjects=tuple(s.short_name or s.name for s in subjects),
        subject_ids=tuple(s.id for s in subjects),
        rows=tuple(rows),
        stats=stats,
        students_total=len(rows),
        excellent=excellent,
        good=good,
        with_one_three=one_three,
        failing=failing,
        class_progress=percent(graded - failing, graded),
        class_quality=percent(excellent + good, graded),
    )
