"""Compare what a class-subject journal shows in two snapshots, independent of ids."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from service.journal.snapshot import Snapshot


@dataclass(frozen=True)
class JournalView:
    """Marks, attendance and period marks of one class-subject, keyed by ФИО and lesson position."""

    marks: Counter
    attendance: frozenset
    period_marks: frozenset
    lessons: tuple


def journal_view(snapshot: Snapshot, class_id: str, subject_name: str) -> JournalView:
    """The journal of ``class_id`` × subject (all groups), by (ФИО, date, lesson of the day)."""
    subject_id = next(s.id for s in snapshot.subjects if s.name == subject_name)
    lessons = sorted(
        (x for x in snapshot.lessons if x.class_id == class_id and x.subject_id == subject_id),
        key=lambda x: (x.group_id or "", x.date, x.number, x.id),
    )
    position: dict[str, tuple] = {}
    per_day: dict[tuple, int] = defaultdict(int)
    group_name = {g.id: g.name for c in snapshot.classes for g in c.groups}
    for lesson in lessons:
        group = group_name.get(lesson.group_id, "") if lesson.group_id else ""
        per_day[(group, lesson.date)] += 1
        position[lesson.id] = (group, lesson.date, per_day[(group, lesson.date)])
    name = {s.id: s.full_name for s in snapshot.students}
    marks = Counter(
        (name[m.student_id], *position[m.lesson_id], m.value)
        for m in snapshot.marks
        if m.lesson_id in position
    )
    attendance = frozenset(
        (name[a.student_id], *position[a.lesson_id], str(a.code))
        for a in snapshot.attendance
        if a.lesson_id in position
    )
    kinds: dict[str, tuple] = {}
    counters: Counter = Counter()
    for period in sorted(snapshot.year.periods, key=lambda p: p.start):
        counters[period.kind] += 1
        kinds[period.id] = (str(period.kind), counters[period.kind])
    students = {s.id for s in snapshot.students if s.class_id == class_id}
    period_marks = frozenset(
        (name[p.student_id], kinds.get(p.period_id, p.period_id), p.value)
        for p in snapshot.period_marks
        if p.subject_id == subject_id and p.student_id in students
    )
    topics = tuple((position[x.id], x.topic, x.homework, str(x.work_type)) for x in lessons)
    return JournalView(marks, attendance, period_marks, topics)
