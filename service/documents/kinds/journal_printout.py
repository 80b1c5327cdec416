"""Quarterly journal printout (выгрузка журнала за период): marks side and topics side.

One document per class × subject (× group) × period; wide marks grids are split into
page-width chunks of lesson columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

from service.documents.common import (
    MONTHS_NOMINATIVE,
    DocumentProblem,
    class_students,
    get_class,
    get_period,
    make_meta,
    ordered_subjects,
    ru_date,
    safe_file_name,
)
from service.documents.kind import PERIOD_END, Kind, Params, PlannedFile
from service.documents.meta import DocumentMeta
from service.journal.snapshot import WORK_TYPE_LABELS, Period, SchoolClass, Snapshot
from service.policy import SchoolPolicy
from service.russian import by_sex

# The JSON form of these classes is embedded in every PDF: add fields, do not rename them.


@dataclass(frozen=True, slots=True)
class LessonColumn:
    lesson_id: str
    date: dt.date
    number: int
    work_type: str  # WorkType value


@dataclass(frozen=True, slots=True)
class PrintoutRow:
    number: int
    student_id: str
    name: str  # «Фамилия Имя»
    cells: tuple[str, ...]  # one per LessonColumn: marks joined by «/», attendance code
    period_mark: str
    left_note: str = ""  # «выбыл 12.10.2024»


@dataclass(frozen=True, slots=True)
class TopicRow:
    date: dt.date
    number: int
    topic: str
    homework: str
    work_type: str  # Russian label
    substitute: str = ""  # «И. О. Фамилия» of the substitute teacher, if any


@dataclass(frozen=True, slots=True)
class PrintoutData:
    meta: DocumentMeta
    subject: str
    teacher: str
    group: str
    hours_per_week: float
    columns: tuple[LessonColumn, ...]
    rows: tuple[PrintoutRow, ...]
    topics: tuple[TopicRow, ...]
    lessons_planned: int
    lessons_held: int


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
            note = f"{by_sex('выбыл', student)} {ru_date(student.left_on)}"
        elif student.enrolled_on and student.enrolled_on > period.start:
            note = f"{by_sex('прибыл', student)} {ru_date(student.enrolled_on)}"
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
    return PrintoutData(
        meta=make_meta(
            snapshot,
            KIND.id,
            KIND.title,
            params,
            class_id=school_class.id,
            period=period,
            signatures=KIND.signers,
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


# --- page layout (presentation only, not data) ---------------------------------------------

# Lesson columns per landscape A4 page at 7.4 mm each; a 60-lesson quarter takes three pages.
DAYS_PER_PAGE = 25


@dataclass(frozen=True, slots=True)
class GridChunk:
    """One page-width slice of a marks grid: which lesson columns, their month headers."""

    number: int
    first: int  # index of the first column in the full grid
    columns: tuple[LessonColumn, ...]
    months: tuple[tuple[str, int], ...]  # (month name, column span)
    last: bool


def split_columns(
    columns: tuple[LessonColumn, ...], per_page: int = DAYS_PER_PAGE
) -> list[GridChunk]:
    """Split lesson columns into page-width chunks of at most ``per_page``, balanced in size."""
    if not columns:
        return [GridChunk(1, 0, (), (), True)]
    count = -(-len(columns) // per_page)
    size = -(-len(columns) // count)
    chunks = []
    for number, first in enumerate(range(0, len(columns), size), start=1):
        part = columns[first : first + size]
        months: list[tuple[str, int]] = []
        for column in part:
            name = MONTHS_NOMINATIVE[column.date.month - 1].capitalize()
            if months and months[-1][0] == name:
                months[-1] = (name, months[-1][1] + 1)
            else:
                months.append((name, 1))
        chunks.append(GridChunk(number, first, part, tuple(months), first + size >= len(columns)))
    return chunks


# Width of a lesson column in CSS px (7.41 mm): a whole number, the tab stops of a marks row.
DAY_COLUMN_PX = 28


PX_PER_MM = 96 / 25.4
#: Where the marks table's day columns start: after № (6 mm) and the name (46 mm); documents.css.
DAYS_START_PX = 52 * PX_PER_MM


def rule_lines(positions: list[float], width: float) -> str:
    """A data URI of an SVG ``width`` px wide with a vertical line at each of ``positions`` (px).

    Drawn once behind a table (CSS background, stretched to the table's height) instead of
    per-cell borders: each line is a 0.5 pt (2/3 px) filled rectangle centred on a column
    boundary, the look of two neighbouring cells' quarter-point borders. The background's size
    must be ``width`` px by the table's height.
    """
    rects = "".join(
        f"<rect x='{x - 1 / 3:.4f}' y='0' width='0.6667' height='1'/>" for x in positions
    )
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:.4f}' height='1' "
        f"viewBox='0 0 {width:.4f} 1' preserveAspectRatio='none'>{rects}</svg>"
    )
    return "data:image/svg+xml," + quote(svg)


def day_lines(count: int) -> str:
    """The lines between ``count`` day columns, from the first day column's left edge."""
    return rule_lines([k * DAY_COLUMN_PX for k in range(1, count)], count * DAY_COLUMN_PX)


def marks_lines(count: int) -> str:
    """The marks table's inner lines not drawn by cell borders: № | name, between the days."""
    return rule_lines(
        [6 * PX_PER_MM] + [DAYS_START_PX + k * DAY_COLUMN_PX for k in range(1, count)],
        DAYS_START_PX + count * DAY_COLUMN_PX,
    )


#: The topics table's line between № and the date (a row's number and date are one text run).
TOPICS_LINE = rule_lines([8 * PX_PER_MM], 8 * PX_PER_MM + 1)


def printout_context(data: PrintoutData) -> dict[str, object]:
    """Template context of a printout: its column chunks and their grid-line images."""
    return {
        "chunks": split_columns(data.columns),
        "day_lines": day_lines,
        "marks_lines": marks_lines,
        "topics_line": TOPICS_LINE,
        "days_start_px": DAYS_START_PX,
    }


def _plan(
    snapshot: Snapshot, period: Period, school_class: SchoolClass | None
) -> list[PlannedFile]:
    """One printout per subject (and group) taught in the class, in subject order."""
    if school_class is None:
        return []
    subject_order = {s.id: i for i, s in enumerate(ordered_subjects(snapshot))}
    assignments = sorted(
        (a for a in snapshot.assignments if a.class_id == school_class.id),
        key=lambda a: (subject_order.get(a.subject_id, 0), a.group_id or ""),
    )
    files = []
    for a in assignments:
        params = {"class": school_class.id, "subject": a.subject_id, "period": period.id}
        name = f"{KIND.id}-{safe_file_name(a.subject_id)}"
        subject = snapshot.subject_by_id.get(a.subject_id)
        title = f"Выгрузка журнала: {subject.name if subject else a.subject_id}"
        if a.group_id:
            params["group"] = a.group_id
            name += f"-{safe_file_name(a.group_id)}"
            school_group = next((g for g in school_class.groups if g.id == a.group_id), None)
            title += f" ({school_group.name if school_group else a.group_id})"
        files.append(PlannedFile(tuple(params.items()), f"{name}.pdf", title))
    return files


def _build(snapshot: Snapshot, p: Params, policy: SchoolPolicy) -> PrintoutData:
    return build_printout(
        snapshot, p.get("class"), p.get("subject"), p.get("period"), p.get("group")
    )


KIND = Kind(
    id="journal-printout",
    title="Выгрузка электронного журнала",
    label="Выгрузка журнала за период",
    required=("class", "subject", "period"),
    optional=("group",),
    signers=("director",),
    template="journal-printout.html",
    build=_build,
    context=printout_context,
    sets=(PERIOD_END,),
    plan=_plan,
)
