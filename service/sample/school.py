"""Generate the sample school: every step of the year in order, then the canonical document."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from service.sample import curriculum
from service.sample.calendar import SchoolCalendar, build_calendar, parse_year
from service.sample.consents import make_consents
from service.sample.cut import cut_at
from service.sample.decisions import make_outcomes
from service.sample.document import YearParts, assemble
from service.sample.journal import make_journal
from service.sample.lessons import make_lessons
from service.sample.people import (
    ClassPlan,
    FamilyFactory,
    StudentRec,
    make_students,
    plan_classes,
)
from service.sample.results import make_period_marks
from service.sample.staff import group_ids, make_staffing
from service.sample.story import make_story
from service.sample.timetable import build_timetable

SPLIT_MIN = 8  # a class of at least this many students learns its foreign language in two groups


def _groups(
    plans: list[ClassPlan], students: tuple[StudentRec, ...], rng: random.Random
) -> dict[str, list[str]]:
    """Two foreign-language groups per class large enough, split alternately by surname."""
    result: dict[str, list[str]] = {}
    by_class: dict[str, list[StudentRec]] = {}
    for s in students:
        by_class.setdefault(s.class_id, []).append(s)
    for plan in plans:
        if plan.size < SPLIT_MIN or not any(
            spec.split for spec, _ in curriculum.subjects_of_grade(plan.grade)
        ):
            continue
        members = sorted(by_class.get(plan.id, []), key=lambda s: (s.last_name, s.first_name, s.id))
        first, second = group_ids(plan.id)
        result[first] = [s.id for s in members[0::2]]
        result[second] = [s.id for s in members[1::2]]
    return result


def generate_school(
    students: int = 1000,
    year: str | int = "2024/2025",
    seed: int = 7,
    *,
    as_of: dt.date | str | None = None,
    periods: str = "quarter",
) -> dict[str, Any]:
    """A realistic school year in the canonical JSON format (v1); same arguments, same document.

    ``year`` is «2024/2025» or its first calendar year as an int (2024). ``as_of`` cuts the
    year at an earlier day (what the journal showed then); by default the whole year including
    the June decisions. ``periods`` is «quarter» (default), «half» or «trimester».
    """
    first_year = parse_year(year)
    rng = random.Random(seed)
    calendar: SchoolCalendar = build_calendar(year, periods)
    full_as_of = dt.date(first_year + 1, 6, 30)
    cut_day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    papers_day = min(cut_day, full_as_of) if cut_day else full_as_of
    plans = plan_classes(students, rng)
    factory = FamilyFactory(rng, first_year)
    pupils = make_students(plans, rng, first_year, factory)
    staffing = make_staffing(plans, rng, SPLIT_MIN)
    story = make_story(pupils, calendar, rng)
    groups = _groups(plans, story.students, rng)
    timetable = build_timetable(plans, staffing.assignments, rng)
    lesson_plan = make_lessons(plans, timetable, calendar, staffing.staff, rng)
    journal = make_journal(
        lesson_plan.lessons, story, {k: tuple(v) for k, v in groups.items()}, calendar, rng
    )
    period_marks = make_period_marks(story, journal, calendar, rng)
    outcomes = make_outcomes(story, period_marks, calendar, rng)
    book = make_consents(story.students, factory.guardians, calendar, rng)

    parts = YearParts(
        calendar=calendar,
        plans=tuple(plans),
        staffing=staffing,
        story=story,
        groups=groups,
        lesson_plan=lesson_plan,
        journal=journal,
        period_marks=period_marks,
        outcomes=outcomes,
        book=book,
    )
    doc = assemble(parts, rng, seed, full_as_of, papers_day)
    if cut_day is not None:
        doc = cut_at(doc, cut_day)
    return doc
