"""Lessons from the timetable (topics, homework, work types, entry times) and substitutions."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

from service.journal.snapshot import WorkType
from service.sample import topics
from service.sample.calendar import SchoolCalendar
from service.sample.curriculum import SUBJECT_BY_ID
from service.sample.people import ClassPlan
from service.sample.staff import StaffRec
from service.sample.timetable import Timetable

# Lesson start times (hour, minute) by lesson number; lessons last 45 minutes.
STARTS = ((8, 30), (9, 25), (10, 30), (11, 35), (12, 40), (13, 35), (14, 30), (15, 25))
TZ = "+03:00"
NO_TESTS = frozenset({"pe", "music", "art", "tech", "proj", "orkse", "odnknr", "fin"})


_ISO_DAYS: dict[dt.date, str] = {}


def moment(day: dt.date, minutes: int) -> str:
    """ISO 8601 moment with the Moscow offset, ``minutes`` after midnight of ``day``."""
    if minutes >= 1440:
        day = day + dt.timedelta(days=minutes // 1440)
        minutes %= 1440
    iso = _ISO_DAYS.get(day)
    if iso is None:
        iso = _ISO_DAYS[day] = day.isoformat()
    return f"{iso}T{minutes // 60:02d}:{minutes % 60:02d}:00{TZ}"


def lesson_end(number: int) -> int:
    """Minutes after midnight when a lesson with this number ends."""
    hour, minute = STARTS[number - 1]
    return hour * 60 + minute + 45


@dataclass(frozen=True, slots=True)
class LessonRec:
    """A lesson held (the fields of the canonical Lesson plus what the generator needs)."""

    id: str
    date: dt.date
    number: int
    class_id: str
    grade: int
    subject_id: str
    teacher_id: str
    group_id: str | None
    term_id: str
    work_type: str
    topic: str
    homework: str
    entered_at: str
    homework_entered_at: str | None
    substitute_id: str | None = None


@dataclass(frozen=True, slots=True)
class SubstitutionRec:
    """A lesson given by another teacher because the regular one was absent."""

    id: str
    lesson_id: str
    date: dt.date
    number: int
    class_id: str
    subject_id: str
    absent_teacher_id: str
    substitute_id: str
    reason: str
    paid: bool


@dataclass(frozen=True, slots=True)
class LessonPlan:
    """All lessons of the year and the substitutions among them."""

    lessons: tuple[LessonRec, ...]
    substitutions: tuple[SubstitutionRec, ...]


def _work_type(
    subject_id: str, grade: int, index: int, total: int, term_id: str, last_term: str
) -> tuple[str, str]:
    """Work type and topic prefix of the ``index``-th of ``total`` lessons in a period."""
    if grade == 1:
        return WorkType.CLASS, ""
    if subject_id == "proj":
        return (
            (WorkType.PROJECT, "Защита проекта. ")
            if term_id == last_term and index == total - 1
            else (WorkType.CLASS, "")
        )
    if subject_id in NO_TESTS or SUBJECT_BY_ID[subject_id].pass_fail:
        return WorkType.CLASS, ""
    if total >= 6 and index == total - 2:
        return WorkType.TEST, "Контрольная работа. "
    if subject_id in ("rus", "math", "alg") and total >= 14 and index == total // 2:
        return WorkType.TEST, "Контрольная работа. "
    if subject_id in topics.WRITTEN_TITLES and index % 6 == 3:
        titles = topics.WRITTEN_TITLES[subject_id]
        return WorkType.WRITTEN, f"{titles[(index // 6) % len(titles)]}. "
    if subject_id in ("math", "alg", "geom") and index % 7 == 4:
        return WorkType.WRITTEN, "Самостоятельная работа. "
    if subject_id in topics.PRACTICAL_TITLES and grade >= 5 and index % 5 == 2:
        return WorkType.PRACTICAL, f"{topics.PRACTICAL_TITLES[subject_id]} № {index // 5 + 1}. "
    return WorkType.CLASS, ""


def make_lessons(
    plans: list[ClassPlan],
    timetable: Timetable,
    calendar: SchoolCalendar,
    staff: tuple[StaffRec, ...],
    rng: random.Random,
) -> LessonPlan:
    """Every timetabled lesson on every school day, then absences and substitutions."""
    raw: list[tuple[dt.date, int, str, int, str, str, str | None, str]] = []
    for day in calendar.school_days:
        term = calendar.term_of(day)
        assert term is not None
        weekday = day.weekday()
        for plan in plans:
            for slot in timetable.slots.get((plan.id, weekday), ()):
                for part in slot.parts:
                    raw.append(
                        (
                            day,
                            slot.number,
                            plan.id,
                            plan.grade,
                            slot.subject_id,
                            part.teacher_id,
                            part.group_id,
                            term.id,
                        )
                    )
    totals: dict[tuple[str, str, str | None, str], int] = {}
    year_totals: dict[tuple[str, str, str | None], int] = {}
    for _, _, class_id, _, subject_id, _, group_id, term_id in raw:
        key = (class_id, subject_id, group_id, term_id)
        totals[key] = totals.get(key, 0) + 1
        year_totals[key[:3]] = year_totals.get(key[:3], 0) + 1

    teachers = [s for s in staff if s.department]
    sloppy = {t.id for t in rng.sample(teachers, min(2, len(teachers)))}
    year_index: dict[tuple[str, str, str | None], int] = {}
    term_index: dict[tuple[str, str, str | None, str], int] = {}
    lessons: list[LessonRec] = []
    for i, (day, number, class_id, grade, subject_id, teacher_id, group_id, term_id) in enumerate(
        raw
    ):
        ykey = (class_id, subject_id, group_id)
        yi = year_index.get(ykey, 0)
        year_index[ykey] = yi + 1
        tkey = (class_id, subject_id, group_id, term_id)
        ti = term_index.get(tkey, 0)
        term_index[tkey] = ti + 1
        work_type, prefix = _work_type(
            subject_id, grade, ti, totals[tkey], term_id, calendar.terms[-1].id
        )
        end = lesson_end(number)
        late_share = 0.25 if teacher_id in sloppy else 0.03
        if rng.random() < late_share:
            entered_day = day + dt.timedelta(days=rng.randint(1, 10))
            entered = moment(entered_day, rng.randint(16 * 60, 22 * 60))
        else:
            entered_day = day
            entered = moment(day, end + rng.randint(0, 240))
        hw = "" if work_type == WorkType.TEST else topics.homework(subject_id, grade, rng)
        if hw and rng.random() < late_share / 2:
            hw = ""  # forgotten: the control report on homework has something to find
        hw_at: str | None = None
        if hw:
            if rng.random() < 0.05:
                hw_at = moment(entered_day + dt.timedelta(days=1), rng.randint(19 * 60, 23 * 60))
            else:
                hw_at = entered  # entered together with the topic
        lessons.append(
            LessonRec(
                id=f"l{i + 1:06d}",
                date=day,
                number=number,
                class_id=class_id,
                grade=grade,
                subject_id=subject_id,
                teacher_id=teacher_id,
                group_id=group_id,
                term_id=term_id,
                work_type=work_type,
                topic=prefix + topics.topic(subject_id, grade, yi, year_totals[ykey]),
                homework=hw,
                entered_at=entered,
                homework_entered_at=hw_at,
            )
        )
    substitutions = _substitute(lessons, calendar, teachers, rng)
    return LessonPlan(tuple(lessons), substitutions)


REASONS = (
    ("болезнь", 0.6, 3, 8),
    ("курсы повышения квалификации", 0.2, 1, 3),
    ("служебная командировка", 0.1, 1, 2),
    ("семейные обстоятельства", 0.1, 1, 1),
)


def _substitute(
    lessons: list[LessonRec], calendar: SchoolCalendar, teachers: list[StaffRec], rng: random.Random
) -> tuple[SubstitutionRec, ...]:
    """Teacher absences (illness, courses…) and who replaces them; updates ``lessons`` in place."""
    days = calendar.school_days
    day_index = {d: i for i, d in enumerate(days)}
    busy: dict[tuple[dt.date, int], set[str]] = {}
    by_teacher_day: dict[tuple[str, dt.date], list[int]] = {}
    for pos, lesson in enumerate(lessons):
        busy.setdefault((lesson.date, lesson.number), set()).add(lesson.teacher_id)
        by_teacher_day.setdefault((lesson.teacher_id, lesson.date), []).append(pos)
    department = {t.id: t.department for t in teachers}
    absent: dict[dt.date, set[str]] = {}
    episodes = max(3, round(len(teachers) * 0.6))
    plan: list[tuple[str, str, list[dt.date]]] = []
    for _ in range(episodes):
        teacher = rng.choice(teachers)
        roll = rng.random()
        acc = 0.0
        reason, low, high = REASONS[-1][0], 1, 1
        for name, share, lo, hi in REASONS:
            acc += share
            if roll < acc:
                reason, low, high = name, lo, hi
                break
        start = rng.randrange(len(days))
        span = [days[j] for j in range(start, min(len(days), start + rng.randint(low, high)))]
        if any(teacher.id in absent.get(d, set()) for d in span):
            continue
        for d in span:
            absent.setdefault(d, set()).add(teacher.id)
        plan.append((teacher.id, reason, span))

    result: list[SubstitutionRec] = []
    plan.sort(key=lambda p: (day_index[p[2][0]], p[0]))
    for teacher_id, reason, span in plan:
        for day in span:
            for pos in by_teacher_day.get((teacher_id, day), []):
                lesson = lessons[pos]
                taken = busy[(day, lesson.number)] | absent.get(day, set())
                same = [
                    t.id
                    for t in teachers
                    if department[t.id] == department[teacher_id] and t.id not in taken
                ]
                other = [
                    t.id for t in teachers if t.id not in taken and department[t.id] != "primary"
                ]
                pool = same or other
                if not pool:
                    continue
                substitute = rng.choice(pool)
                busy[(day, lesson.number)].add(substitute)
                lessons[pos] = _with_substitute(lesson, substitute)
                result.append(
                    SubstitutionRec(
                        id="",
                        lesson_id=lesson.id,
                        date=day,
                        number=lesson.number,
                        class_id=lesson.class_id,
                        subject_id=lesson.subject_id,
                        absent_teacher_id=teacher_id,
                        substitute_id=substitute,
                        reason=reason,
                        paid=rng.random() >= 0.1,
                    )
                )
    result.sort(key=lambda s: (s.date, s.number, s.class_id, s.lesson_id))
    return tuple(
        SubstitutionRec(
            f"sub{i + 1:05d}",
            s.lesson_id,
            s.date,
            s.number,
            s.class_id,
            s.subject_id,
            s.absent_teacher_id,
            s.substitute_id,
            s.reason,
            s.paid,
        )
        for i, s in enumerate(result)
    )


def _with_substitute(lesson: LessonRec, substitute: str) -> LessonRec:
    return replace(lesson, substitute_id=substitute)
