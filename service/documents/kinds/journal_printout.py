"""Quarterly journal printout (выгрузка журнала за период): marks side and topics side."""

from __future__ import annotations

import datetime as dt

from service.documents.common import (
    DocumentProblem,
    class_students,
    get_class,
    get_period,
    make_meta,
    ru_date,
)
from service.documents.data import LessonColumn, PrintoutData, PrintoutRow, TopicRow
from service.journal.snapshot import WORK_TYPE_LABELS, Period, Snapshot

KIND = "journal-printout"


def study_days(snapshot: Snapshot, start: dt.date, end: dt.date) -> int:
    """Working days (Monday–Friday) from ``start`` to ``end`` that are not school holidays."""
    days = 0
    day = start
    while day <= end:
        if day.weekday() < 5 and not any(h.start <= day <= h.end for h in snapshot.year.holidays):
            days += 1
        day += dt.timedelta(days=1)
    return days


def lessons_planned(snapshot: Snapshot, period: Period, hours_per_week: float) -> int:
    """Lessons planned in a period: hours a week × study weeks (study days / 5), rounded."""
    return round(hours_per_week * study_days(snapshot, period.start, period.end) / 5)


def build_printout(
    snapshot: Snapshot,
    class_id: str | None,
    subject_id: str | None,
    period_id: str | None,
    group_id: str | None = None,
) -> PrintoutData:
    """Marks and topics of one class × subject (× group) × period."""
    school_class = get_class(snapshot, class_id)
    period = get_period(snapshot, period_id)
    subject = snapshot.subject_by_id.get(subject_id or "")
    if subject is None:
        raise DocumentProblem(f"предмета «{subject_id or ''}» нет в снимке журнала")
    assignment = next(
        (
            a
            for a in snapshot.assignments
            if a.class_id == school_class.id
            and a.subject_id == subject.id
            and a.group_id == group_id
        ),
        None,
    )
    if assignment is None:
        raise DocumentProblem(
            f"предмет «{subject.name}» не ведётся в классе {school_class.name}"
            + (f" (группа {group_id})" if group_id else "")
        )
    group = next((g for g in school_class.groups if g.id == group_id), None)
    lessons = snapshot.lessons_in(school_class.id, subject.id, period, group_id)
    if group_id is None:
        lessons = tuple(lesson for lesson in lessons if lesson.group_id is None)
    students = class_students(snapshot, school_class.id, period.start, period.end)
    if group is not None:
        members = set(group.student_ids)
        students = tuple(s for s in students if s.id in members)

    columns = tuple(LessonColumn(x.id, x.date, x.number, str(x.work_type)) for x in lessons)
    marks: dict[tuple[str, str], list[str]] = {}
    for lesson in lessons:
        for mark in snapshot.marks_of_lesson.get(lesson.id, ()):
            marks.setdefault((lesson.id, mark.student_id), []).append(mark.value)
        for record in snapshot.attendance_of_lesson.get(lesson.id, ()):
            marks.setdefault((lesson.id, record.student_id), []).insert(0, str(record.code))
    rows = []
    for number, student in enumerate(students, start=1):
        cells = tuple("/".join(marks.get((lesson.id, student.id), ())) for lesson in lessons)
        note = ""
        if student.left_on and student.left_on <= period.end:
            note = f"выбыл(а) {ru_date(student.left_on)}"
        elif student.enrolled_on and student.enrolled_on > period.start:
            note = f"прибыл(а) {ru_date(student.enrolled_on)}"
        rows.append(
            PrintoutRow(
                number=number,
                student_id=student.id,
                name=f"{student.last_name} {student.first_name}",
                cells=cells,
                period_mark=snapshot.period_mark_index.get((student.id, subject.id, period.id), ""),
                left_note=note,
            )
        )
    topics = tuple(
        TopicRow(
            date=x.date,
            number=x.number,
            topic=x.topic,
            homework=x.homework,
            work_type=WORK_TYPE_LABELS.get(x.work_type, str(x.work_type)),
            substitute=(
                snapshot.staff_by_id[x.substitute_id].initials_first
                if x.substitute_id in snapshot.staff_by_id
                else ""
            ),
        )
        for x in lessons
    )
    teacher = snapshot.staff_by_id.get(assignment.teacher_id)
    params = {
        "class": school_class.id,
        "subject": subject.id,
        "period": period.id,
        "group": group_id,
    }
    title = "Выгрузка электронного журнала за период"
    return PrintoutData(
        meta=make_meta(
            snapshot,
            KIND,
            title,
            params,
            class_id=school_class.id,
            period=period,
            signatures=("director",),
        ),
        subject=subject.name,
        teacher=teacher.full_name if teacher else "",
        group=group.name if group else "",
        hours_per_week=assignment.hours_per_week,
        columns=columns,
        rows=tuple(rows),
        topics=topics,
        lessons_planned=lessons_planned(snapshot, period, assignment.hours_per_week),
        lessons_held=sum(1 for x in lessons if x.date <= snapshot.as_of),
    )
