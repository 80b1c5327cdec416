"""Attendance and lesson marks: who was present, who was marked, with what and when."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from service.journal.model import AttendanceCode, WorkType
from service.journal.sample.calendar import SchoolCalendar
from service.journal.sample.curriculum import SUBJECT_BY_ID
from service.journal.sample.lessons import LessonRec, lesson_end, moment
from service.journal.sample.people import StudentRec
from service.journal.sample.story import ADAPTATION_DAYS, Story


@dataclass(frozen=True, slots=True)
class MarkRec:
    """A mark for a student at a lesson."""

    id: str
    lesson_id: str
    student_id: str
    value: str
    work_type: str
    entered_at: str


@dataclass(frozen=True, slots=True)
class AttendanceRec:
    """An attendance code for a student at a lesson (only absences and lateness are recorded)."""

    lesson_id: str
    student_id: str
    code: str


@dataclass(frozen=True, slots=True)
class Journal:
    """Marks and attendance, plus the lesson marks per (student, subject, term) for period marks."""

    marks: tuple[MarkRec, ...]
    attendance: tuple[AttendanceRec, ...]
    values: dict[tuple[str, str, str], list[int]]


_ILL_EPISODES = (0, 0, 0, 1, 1, 1, 1, 2, 2, 3)


def _absence_days(
    students: tuple[StudentRec, ...], story: Story, calendar: SchoolCalendar, rng: random.Random
) -> tuple[dict[str, set[dt.date]], dict[str, set[dt.date]]]:
    days = calendar.school_days
    ill: dict[str, set[dt.date]] = {}
    excused: dict[str, set[dt.date]] = {}
    for s in students:
        sick: set[dt.date] = set()
        for _ in range(rng.choice(_ILL_EPISODES)):
            start = rng.randrange(len(days))
            sick.update(days[start : start + rng.randint(3, 9)])
        if s.id in story.long_ill:
            first, last = story.long_ill[s.id]
            sick.update(d for d in days if first <= d <= last)
        ill[s.id] = sick
        excused[s.id] = {rng.choice(days) for _ in range(rng.choice((0, 0, 1, 1, 2)))} - sick
    return ill, excused


def _entered(lesson: LessonRec, work_type: str, rng: random.Random) -> str:
    """When a mark was entered: the lesson day mostly; written works and tests after checking."""
    day = lesson.date
    roll = rng.random()
    if work_type == WorkType.TEST:
        delay = rng.randint(4, 8) if roll < 0.12 else rng.choice((0, 1, 1, 2, 2, 3))
    elif work_type == WorkType.WRITTEN:
        delay = rng.randint(8, 12) if roll < 0.08 else rng.randint(1, 6)
    elif work_type in (WorkType.PRACTICAL, WorkType.PROJECT):
        delay = rng.randint(0, 2)
    else:
        delay = rng.randint(1, 5) if roll < 0.04 else 0
    if delay == 0:
        return moment(day, lesson_end(lesson.number) + rng.randint(0, 300))
    return moment(day + dt.timedelta(days=delay), rng.randint(15 * 60, 22 * 60))


def make_journal(
    lessons: tuple[LessonRec, ...],
    story: Story,
    groups: dict[str, tuple[str, ...]],
    calendar: SchoolCalendar,
    rng: random.Random,
) -> Journal:
    """Attendance codes and marks for every lesson (none in grade 1 or pass/fail subjects)."""
    students = story.students
    by_class: dict[str, list[StudentRec]] = {}
    for s in students:
        by_class.setdefault(s.class_id, []).append(s)
    by_id = {s.id: s for s in students}
    group_members = {gid: [by_id[sid] for sid in members] for gid, members in groups.items()}
    ill, excused = _absence_days(students, story, calendar, rng)
    skip = {s.id: (0.03 if rng.random() < 0.05 else 0.004) for s in students}
    offsets: dict[tuple[str, str], float] = {}
    first_day = calendar.school_days[0]
    adapt_until = {
        s.id: s.enrolled_on + dt.timedelta(days=ADAPTATION_DAYS + 2)
        for s in students
        if s.enrolled_on > first_day
    }
    exempt = story.pe_exempt
    override = story.ability_override
    forced = story.forced_values

    marks: list[MarkRec] = []
    attendance: list[AttendanceRec] = []
    values: dict[tuple[str, str, str], list[int]] = {}
    oral_types = (WorkType.ORAL, WorkType.ORAL, WorkType.CLASS, WorkType.CLASS, WorkType.HOMEWORK)
    for lesson in lessons:
        day = lesson.date
        members = group_members[lesson.group_id] if lesson.group_id else by_class[lesson.class_id]
        present: list[StudentRec] = []
        for s in members:
            if s.enrolled_on > day or (s.left_on is not None and day > s.left_on):
                continue
            if day in ill[s.id]:
                attendance.append(AttendanceRec(lesson.id, s.id, AttendanceCode.ILL))
                continue
            if day in excused[s.id]:
                attendance.append(AttendanceRec(lesson.id, s.id, AttendanceCode.EXCUSED))
                continue
            r = rng.random()
            if r < skip[s.id]:
                attendance.append(AttendanceRec(lesson.id, s.id, AttendanceCode.ABSENT))
                continue
            if r < skip[s.id] + 0.008:
                attendance.append(AttendanceRec(lesson.id, s.id, AttendanceCode.LATE))
            present.append(s)
        subject = lesson.subject_id
        if lesson.grade == 1 or SUBJECT_BY_ID[subject].pass_fail:
            continue
        candidates = [
            s
            for s in present
            if not (s.id in adapt_until and day <= adapt_until[s.id])
            and not (subject == "pe" and lesson.term_id in exempt.get(s.id, ()))
        ]
        if not candidates:
            continue
        wt = lesson.work_type
        if wt in (WorkType.TEST, WorkType.WRITTEN, WorkType.PROJECT):
            chosen = [s for s in candidates if rng.random() < 0.95]
        elif wt == WorkType.PRACTICAL:
            chosen = [s for s in candidates if rng.random() < 0.6]
        else:
            share = 0.3 if subject == "pe" else rng.uniform(0.1, 0.25)
            k = max(1, round(len(candidates) * share))
            chosen = rng.sample(candidates, min(k, len(candidates)))
        for s in chosen:
            key = (s.id, subject, lesson.term_id)
            fixed = forced.get(key)
            if fixed:
                value = int(rng.choice(fixed))
            else:
                mu = override.get((s.id, subject))
                if mu is None:
                    off = offsets.get((s.id, subject))
                    if off is None:
                        off = 0.0 if s.medal_candidate else rng.gauss(0.0, 0.3)
                        offsets[(s.id, subject)] = off
                    mu = s.ability + off
                if wt == WorkType.TEST:
                    mu -= 0.15
                value = int(mu + rng.gauss(0.0, 0.35 if s.medal_candidate else 0.65) + 0.5)
                if value >= 5:
                    value = 5
                elif value < 2:
                    value = 1 if value < 1 and rng.random() < 0.2 else 2
            mark_type = rng.choice(oral_types) if wt == WorkType.CLASS else wt
            marks.append(
                MarkRec(
                    f"m{len(marks) + 1:07d}",
                    lesson.id,
                    s.id,
                    str(value),
                    mark_type,
                    _entered(lesson, wt, rng),
                )
            )
            values.setdefault(key, []).append(value)
    return Journal(tuple(marks), tuple(attendance), values)
