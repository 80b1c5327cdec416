"""Attendance and lesson marks: who was present, who was marked, with what and when."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from service.journal.snapshot import AttendanceCode, WorkType
from service.sample.calendar import SchoolCalendar
from service.sample.curriculum import SUBJECT_BY_ID
from service.sample.lessons import LessonRec, lesson_end, moment
from service.sample.people import StudentRec
from service.sample.story import ADAPTATION_DAYS, Story


class MarkRec(NamedTuple):
    """A mark for a student at a lesson (a named tuple: there are hundreds of thousands)."""

    id: str
    lesson_id: str
    student_id: str
    value: str
    work_type: str
    entered_at: str


class AttendanceRec(NamedTuple):
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


# A student as the attendance loop sees it: record, id, days away, truancy rate, partial enrolment.
_Member = tuple[StudentRec, str, dict[dt.date, str], float, bool]

_ILL_EPISODES = (0, 0, 0, 1, 1, 1, 1, 2, 2, 3)
_EXCUSED_DAYS = (0, 0, 1, 1, 2)
_TEST_DELAYS = (0, 1, 1, 2, 2, 3)


def _absence_days(
    students: tuple[StudentRec, ...], story: Story, calendar: SchoolCalendar, rng: random.Random
) -> dict[str, dict[dt.date, str]]:
    """Whole days away per student: illness episodes (Б), the long illness, excused days (У)."""
    days = calendar.school_days
    away: dict[str, dict[dt.date, str]] = {}
    for s in students:
        codes: dict[dt.date, str] = {}
        for _ in range(rng.choice(_EXCUSED_DAYS)):
            codes[rng.choice(days)] = AttendanceCode.EXCUSED
        for _ in range(rng.choice(_ILL_EPISODES)):
            start = rng.randrange(len(days))
            for day in days[start : start + rng.randint(3, 9)]:
                codes[day] = AttendanceCode.ILL
        if s.id in story.long_ill:
            first, last = story.long_ill[s.id]
            for day in days:
                if first <= day <= last:
                    codes[day] = AttendanceCode.ILL
        away[s.id] = codes
    return away


def _entered(lesson: LessonRec, end: int, work_type: str, rnd: Callable[[], float]) -> str:
    """When a mark was entered: the lesson day mostly; written works and tests after checking."""
    roll = rnd()
    if work_type == WorkType.TEST:
        delay = 4 + int(rnd() * 5) if roll < 0.12 else _TEST_DELAYS[int(rnd() * 6)]
    elif work_type == WorkType.WRITTEN:
        delay = 8 + int(rnd() * 5) if roll < 0.08 else 1 + int(rnd() * 6)
    elif work_type in (WorkType.PRACTICAL, WorkType.PROJECT):
        delay = int(rnd() * 3)
    else:
        delay = 1 + int(rnd() * 5) if roll < 0.04 else 0
    if delay == 0:
        return moment(lesson.date, end + int(rnd() * 300))
    return moment(lesson.date + dt.timedelta(days=delay), 15 * 60 + int(rnd() * 420))


def make_journal(
    lessons: tuple[LessonRec, ...],
    story: Story,
    groups: dict[str, tuple[str, ...]],
    calendar: SchoolCalendar,
    rng: random.Random,
) -> Journal:
    """Attendance codes and marks for every lesson (none in grade 1 or pass/fail subjects)."""
    students = story.students
    away = _absence_days(students, story, calendar, rng)
    skip = {s.id: (0.03 if rng.random() < 0.05 else 0.004) for s in students}
    first_day = calendar.school_days[0]
    # Per student, what the attendance loop needs, without dictionary look-ups.
    member_of: dict[str, _Member] = {
        s.id: (s, s.id, away[s.id], skip[s.id], s.enrolled_on > first_day or s.left_on is not None)
        for s in students
    }
    by_class: dict[str, list[_Member]] = {}
    for s in students:
        by_class.setdefault(s.class_id, []).append(member_of[s.id])
    group_members = {gid: [member_of[sid] for sid in members] for gid, members in groups.items()}
    offsets: dict[tuple[str, str], float] = {}
    adapt_until = {
        s.id: s.enrolled_on + dt.timedelta(days=ADAPTATION_DAYS + 2)
        for s in students
        if s.enrolled_on > first_day
    }
    exempt = story.pe_exempt
    override = story.ability_override
    forced = story.forced_values
    rnd = rng.random
    absent, late = AttendanceCode.ABSENT, AttendanceCode.LATE

    marks: list[MarkRec] = []
    attendance: list[AttendanceRec] = []
    values: dict[tuple[str, str, str], list[int]] = {}
    oral_types = (WorkType.ORAL, WorkType.ORAL, WorkType.CLASS, WorkType.CLASS, WorkType.HOMEWORK)
    # Whole-day absences are the same for every lesson of a class on a day: resolve them once.
    day_cache: dict[str, tuple[list[tuple[StudentRec, str, float]], list[tuple[str, str]]]]
    day_cache, cached_day = {}, None
    for lesson in lessons:
        day = lesson.date
        lesson_id = lesson.id
        if day != cached_day:
            day_cache, cached_day = {}, day
        who = lesson.group_id or lesson.class_id
        cached = day_cache.get(who)
        if cached is None:
            members = (
                group_members[lesson.group_id] if lesson.group_id else by_class[lesson.class_id]
            )
            base: list[tuple[StudentRec, str, float]] = []
            away_today: list[tuple[str, str]] = []
            for s, sid, codes, p, partial in members:
                if partial and (s.enrolled_on > day or (s.left_on is not None and day > s.left_on)):
                    continue
                code = codes.get(day)
                if code is not None:
                    away_today.append((sid, code))
                else:
                    base.append((s, sid, p))
            cached = day_cache[who] = (base, away_today)
        base, away_today = cached
        for sid, code in away_today:
            attendance.append(AttendanceRec(lesson_id, sid, code))
        present: list[StudentRec] = []
        for s, sid, p in base:
            r = rnd()
            if r < p:
                attendance.append(AttendanceRec(lesson_id, sid, absent))
                continue
            if r < p + 0.008:
                attendance.append(AttendanceRec(lesson_id, sid, late))
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
        end = lesson_end(lesson.number)
        if wt in (WorkType.TEST, WorkType.WRITTEN, WorkType.PROJECT):
            chosen = [s for s in candidates if rnd() < 0.95]
        elif wt == WorkType.PRACTICAL:
            chosen = [s for s in candidates if rnd() < 0.6]
        else:
            # Teachers call up those with the fewest marks so far: accumulation stays even.
            share = 0.35 if subject == "pe" else rng.uniform(0.15, 0.4)
            k = max(1, round(len(candidates) * share))
            term_id = lesson.term_id
            ranked = sorted(
                candidates,
                key=lambda s: len(values.get((s.id, subject, term_id), ())) + 2.5 * rnd(),
            )
            chosen = ranked[:k]
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
                if wt == WorkType.TEST and not s.medal_candidate:
                    mu -= 0.15
                value = int(mu + rng.gauss(0.0, 0.2 if s.medal_candidate else 0.65) + 0.5)
                if value >= 5:
                    value = 5
                elif value < 2:
                    value = 1 if value < 1 and rng.random() < 0.2 else 2
            mark_type = oral_types[int(rnd() * 5)] if wt == WorkType.CLASS else wt
            marks.append(
                MarkRec(
                    f"m{len(marks) + 1:07d}",
                    lesson.id,
                    s.id,
                    str(value),
                    mark_type,
                    _entered(lesson, end, wt, rnd),
                )
            )
            values.setdefault(key, []).append(value)
    return Journal(tuple(marks), tuple(attendance), values)
