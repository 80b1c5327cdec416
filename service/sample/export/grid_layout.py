"""The tables of a journal-grid export for one class-subject (for the XLSX and CSV writers)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from service.journal.snapshot import (
    EXAM,
    FINAL,
    WORK_TYPE_LABELS,
    YEAR,
    Lesson,
    Period,
    PeriodKind,
    Snapshot,
    Student,
)

TITLE_MARKS = "Электронный журнал — выгрузка отметок и посещаемости"
TITLE_TOPICS = "Электронный журнал — темы уроков и домашние задания"
_KIND_SHORT = {
    PeriodKind.QUARTER: "четв.",
    PeriodKind.HALF: "полуг.",
    PeriodKind.TRIMESTER: "трим.",
}
_KIND_LONG = {
    PeriodKind.QUARTER: "четверть",
    PeriodKind.HALF: "полугодие",
    PeriodKind.TRIMESTER: "триместр",
}
_SPECIAL_COLUMNS = ((YEAR, "Год"), (EXAM, "Экз."), (FINAL, "Итоговая"))

Cell = str | int | dt.date | None


@dataclass(frozen=True, slots=True)
class Stream:
    """One class-subject (and group) with its lessons: one marks table and one topics table."""

    class_id: str
    subject_id: str
    group_id: str | None
    lessons: tuple[Lesson, ...]


@dataclass(frozen=True, slots=True)
class GridTables:
    """What to write for a stream: header block lines, then the two tables."""

    stream: Stream
    subject_name: str
    group_name: str
    header: tuple[tuple[str, str], ...]
    marks_head: tuple[Cell, ...]
    marks_rows: tuple[tuple[Cell, ...], ...]
    topics_head: tuple[str, ...]
    topics_rows: tuple[tuple[Cell, ...], ...]
    period_label: str = ""  # set when the tables cover one period only


def streams(snapshot: Snapshot, class_ids: Iterable[str] | None = None) -> list[Stream]:
    """Class-subject-group streams that have lessons, optionally only for some classes."""
    wanted = set(class_ids) if class_ids is not None else None
    grouped: dict[tuple[str, str, str | None], list[Lesson]] = defaultdict(list)
    for lesson in snapshot.lessons:
        if wanted is None or lesson.class_id in wanted:
            grouped[(lesson.class_id, lesson.subject_id, lesson.group_id)].append(lesson)
    return [
        Stream(c, s, g, tuple(sorted(v, key=lambda x: (x.date, x.number, x.id))))
        for (c, s, g), v in sorted(
            grouped.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
        )
    ]


def period_streams(snapshot: Snapshot, stream: Stream) -> list[tuple[tuple[Period, int], Stream]]:
    """Split a stream by period (a lesson between periods goes to the period before it)."""
    numbered = numbered_periods(snapshot)
    if not numbered:
        return []
    parts: dict[str, list[Lesson]] = defaultdict(list)
    for lesson in stream.lessons:
        before = [p for p, _ in numbered if p.start <= lesson.date]
        parts[(before[-1] if before else numbered[0][0]).id].append(lesson)
    return [
        (pn, Stream(stream.class_id, stream.subject_id, stream.group_id, tuple(parts[pn[0].id])))
        for pn in numbered
    ]


def period_label(period: Period, number: int) -> str:
    return f"{number} {_KIND_SHORT[period.kind]}"


def numbered_periods(snapshot: Snapshot) -> list[tuple[Period, int]]:
    """Periods with their number within their kind (1st quarter, 2nd half…), by start date."""
    counters: dict[PeriodKind, int] = defaultdict(int)
    out = []
    for period in sorted(snapshot.year.periods, key=lambda p: p.start):
        counters[period.kind] += 1
        out.append((period, counters[period.kind]))
    return out


def _fio(student: Student, year_start: dt.date) -> str:
    text = student.full_name
    if student.enrolled_on and student.enrolled_on > year_start:
        text += f" (приб. {student.enrolled_on:%d.%m.%Y})"
    if student.left_on:
        text += f" (выб. {student.left_on:%d.%m.%Y})"
    return text


def _cell(marks: list[str], code: str | None) -> Cell:
    if code is None and len(marks) == 1:
        return int(marks[0])
    text = (code or "") + "/".join(marks)
    return text or None


def _students(snapshot: Snapshot, stream: Stream, lesson_ids: set[str]) -> list[Student]:
    if stream.group_id is not None:
        klass = snapshot.class_by_id[stream.class_id]
        members = next((g.student_ids for g in klass.groups if g.id == stream.group_id), ())
        ids = set(members)
    else:
        ids = {s.id for s in snapshot.students_of_class.get(stream.class_id, ())}
    for lesson_id in lesson_ids:
        ids.update(m.student_id for m in snapshot.marks_of_lesson.get(lesson_id, ()))
        ids.update(a.student_id for a in snapshot.attendance_of_lesson.get(lesson_id, ()))
    people = [snapshot.student_by_id[i] for i in ids if i in snapshot.student_by_id]
    return sorted(people, key=lambda s: (s.last_name, s.first_name, s.middle_name, s.id))


def tables(
    snapshot: Snapshot,
    stream: Stream,
    only: tuple[Period, int] | None = None,
    last: bool = True,
    teacher_id: str | None = None,
) -> GridTables:
    """Build the header block and both tables of one stream (of one period if ``only``).

    A one-period table has that period's mark in an «Итог» column; the last period's table also
    carries the year, exam and final marks.
    """
    subject = snapshot.subject_by_id[stream.subject_id]
    klass = snapshot.class_by_id[stream.class_id]
    group_name = next((g.name for g in klass.groups if g.id == stream.group_id), "")
    lesson_ids = {lesson.id for lesson in stream.lessons}
    students = _students(snapshot, stream, lesson_ids)
    # period marks belong to the class the student is in now (a transferred student's old class
    # sheet shows their lesson marks only)
    student_ids = {s.id for s in students if s.class_id == stream.class_id}
    period_values: dict[str, dict[str, str]] = defaultdict(dict)
    index = snapshot.period_mark_index
    for period_id in (
        *(p.id for p in snapshot.year.periods),
        *(pid for pid, _ in _SPECIAL_COLUMNS),
    ):
        for student_id in student_ids:
            value = index.get((student_id, stream.subject_id, period_id))
            if value is not None:
                period_values[period_id][student_id] = value
    if only is not None:
        keep = {only[0].id} | ({pid for pid, _ in _SPECIAL_COLUMNS} if last else set())
        period_values = defaultdict(dict, {k: v for k, v in period_values.items() if k in keep})
    periods = [(p, n) for p, n in numbered_periods(snapshot) if p.id in period_values]
    if only is not None:
        periods = [only]
    elif not periods:
        kinds = {p.kind for p in snapshot.year.periods}
        first_kind = min(kinds, key=lambda k: list(PeriodKind).index(k)) if kinds else None
        periods = [(p, n) for p, n in numbered_periods(snapshot) if p.kind == first_kind]
    teacher = snapshot.staff_by_id.get(teacher_id or stream.lessons[0].teacher_id)
    director = snapshot.director
    header: list[tuple[str, str]] = [
        ("Школа", snapshot.school.full_name),
        ("Учебный год", snapshot.year.id),
        ("Класс", klass.name),
        ("Предмет", subject.name),
    ]
    if group_name:
        header.append(("Группа", group_name))
    header += [
        ("Учитель", teacher.full_name if teacher else ""),
        (
            "Период",
            "; ".join(
                f"{n} {_KIND_LONG[p.kind]} ({p.start:%d.%m.%Y}–{p.end:%d.%m.%Y})"
                for p, n in periods
            ),
        ),
    ]
    if director:
        header.append(("Директор", director.full_name))
    header.append(("Дата выгрузки", f"{snapshot.as_of:%d.%m.%Y}"))

    # columns: dates in order, each period's mark column after its last lesson
    columns: list[tuple[str, Lesson | str]] = []
    pending = sorted(periods, key=lambda pn: pn[0].end)
    for lesson in stream.lessons:
        while pending and lesson.date > pending[0][0].end:
            columns.append(("period", pending.pop(0)[0].id))
        columns.append(("lesson", lesson))
    columns += [("period", p.id) for p, _ in pending]
    columns += [("period", pid) for pid, _ in _SPECIAL_COLUMNS if pid in period_values]
    labels = {p.id: period_label(p, n) for p, n in periods} | dict(_SPECIAL_COLUMNS)
    if only is not None:
        labels[only[0].id] = "Итог"
    head: list[Cell] = ["№", "ФИО обучающегося"]
    for _, item in columns:
        head.append(item.date if isinstance(item, Lesson) else labels[item])
    cell_marks: dict[tuple[str, str], list[str]] = defaultdict(list)
    cell_code: dict[tuple[str, str], str] = {}
    for lesson in stream.lessons:
        for m in snapshot.marks_of_lesson.get(lesson.id, ()):
            cell_marks[(lesson.id, m.student_id)].append(m.value)
        for a in snapshot.attendance_of_lesson.get(lesson.id, ()):
            cell_code[(lesson.id, a.student_id)] = str(a.code)
    rows = []
    for number, student in enumerate(students, start=1):
        row: list[Cell] = [number, _fio(student, snapshot.year.start)]
        for _, item in columns:
            if isinstance(item, Lesson):
                marks = cell_marks.get((item.id, student.id), [])
                code = cell_code.get((item.id, student.id))
                row.append(_cell(marks, code))
            else:
                row.append(period_values.get(item, {}).get(student.id))
        rows.append(tuple(row))
    topics = tuple(
        (
            n,
            lesson.date,
            lesson.number,
            lesson.topic,
            lesson.homework,
            WORK_TYPE_LABELS.get(lesson.work_type, "Другое"),
        )
        for n, lesson in enumerate(stream.lessons, start=1)
    )
    return GridTables(
        stream,
        subject.name,
        group_name,
        tuple(header),
        tuple(head),
        tuple(rows),
        ("№", "Дата", "№ урока", "Тема урока", "Домашнее задание", "Вид работы"),
        topics,
        period_label(*only) if only is not None else "",
    )
