"""The year's story: arrivals, leavers, long illness, PE exemptions, struggles, medal hopes."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from service.sample.calendar import SchoolCalendar
from service.sample.people import StudentRec

# Days after arrival during which a newcomer is not yet marked (adaptation).
ADAPTATION_DAYS = 5


@dataclass(frozen=True, slots=True)
class Story:
    """Students after the year's events, and the facts that shape their marks and attendance."""

    students: tuple[StudentRec, ...]
    arrivals: tuple[str, ...]  # student ids, in date order
    leavers: tuple[str, ...]
    long_ill: dict[str, tuple[dt.date, dt.date]]  # student id → days in hospital / at home
    pe_exempt: dict[str, tuple[str, ...]]  # student id → term ids exempt from PE
    ability_override: dict[tuple[str, str], float]  # (student, subject) → ability
    forced_values: dict[
        tuple[str, str, str], tuple[str, ...]
    ]  # (student, subject, term) → mark values
    conditional: tuple[str, ...]  # students meant to end with an academic debt
    retained: tuple[str, ...]
    medal_flagged: tuple[str, ...]  # medal candidates given a period mark below 5


def _take(
    pool: list[StudentRec],
    rng: random.Random,
    count: int,
    used: set[str],
    accept: Callable[[StudentRec], bool] = lambda s: True,
) -> list[StudentRec]:
    chosen: list[StudentRec] = []
    candidates = [s for s in pool if s.id not in used and accept(s)]
    rng.shuffle(candidates)
    for s in candidates[:count]:
        used.add(s.id)
        chosen.append(s)
    return chosen


def make_story(students: list[StudentRec], calendar: SchoolCalendar, rng: random.Random) -> Story:
    """Pick the students to whom things happen this year and adjust their records."""
    n = len(students)
    days = calendar.school_days
    terms = calendar.terms
    used: set[str] = set()
    by_id = {s.id: s for s in students}

    # Medal candidates: the strongest of grades 9 and 11 (one in ten, at least one a grade).
    medal: list[str] = []
    for grade in (9, 11):
        pool = sorted((s for s in students if s.grade == grade), key=lambda s: (-s.ability, s.id))
        count = max(1, round(len(pool) * 0.1))
        for s in pool[:count]:
            medal.append(s.id)
            used.add(s.id)
            by_id[s.id] = replace(s, medal_candidate=True, ability=4.95)
    forced: dict[tuple[str, str, str], tuple[str, ...]] = {}
    flagged: list[str] = []
    if medal:
        forced[(medal[0], "geom", calendar.winter_term.id)] = ("4",)
        flagged.append(medal[0])
    if len(medal) > 1:
        forced[(medal[-1], "phys", calendar.spring_term.id)] = ("3", "4", "3")
        flagged.append(medal[-1])

    # Students in grades 9 and 11 are not allowed to fail: they go to the exams.
    for s in students:
        if s.grade in (9, 11) and s.id not in used and s.ability < 3.2:
            by_id[s.id] = replace(s, ability=3.2)

    not_final = lambda s: s.grade not in (9, 11)  # noqa: E731
    mid_grade = lambda s: 2 <= s.grade <= 8 or s.grade == 10  # noqa: E731

    overrides: dict[tuple[str, str], float] = {}
    conditional: list[str] = []
    for s in _take(students, rng, max(1, n // 300), used, mid_grade):
        subject = "math" if s.grade <= 6 else ("rus" if s.grade < 10 else "alg")
        overrides[(s.id, subject)] = 1.9
        conditional.append(s.id)
    retained: list[str] = []
    if n >= 40:
        for s in _take(students, rng, 1, used, lambda s: 3 <= s.grade <= 8):
            for subject in ("rus", "math" if s.grade <= 6 else "alg", "eng"):
                overrides[(s.id, subject)] = 1.8
            retained.append(s.id)

    # One student is ill for the whole second quarter: «н/а» for that quarter.
    long_ill: dict[str, tuple[dt.date, dt.date]] = {}
    for s in _take(students, rng, 1, used, lambda s: mid_grade(s) and s.grade >= 2):
        long_ill[s.id] = (calendar.winter_term.start, calendar.winter_term.end)

    # PE exemptions: about 1.5 %; half for the whole year, half for the third quarter.
    pe_exempt: dict[str, tuple[str, ...]] = {}
    for i, s in enumerate(
        _take(students, rng, max(2, round(n * 0.015)), used, lambda s: s.grade >= 2)
    ):
        pe_exempt[s.id] = tuple(t.id for t in terms) if i % 2 == 0 else (calendar.spring_term.id,)

    # Arrivals and leavers: about 2 % each; the first arrival comes at the very end
    # of the winter period (Q2, H1 or T2).
    arrivals: list[str] = []
    winter = calendar.winter_term
    winter_last = [d for d in days if winter.start <= d <= winter.end][-3]
    first_year = calendar.start.year
    window = [d for d in days if dt.date(first_year, 10, 26) < d < dt.date(first_year + 1, 3, 22)]
    for i, s in enumerate(
        _take(students, rng, max(1, round(n * 0.02)), used, lambda s: not_final(s) and s.grade >= 2)
    ):
        day = winter_last if i == 0 else rng.choice(window)
        by_id[s.id] = replace(by_id[s.id], enrolled_on=day)
        arrivals.append(s.id)
    leavers: list[str] = []
    leave_window = [d for d in days if terms[0].start + dt.timedelta(days=30) < d < terms[-1].end]
    for s in _take(students, rng, max(1, round(n * 0.02)), used, not_final):
        by_id[s.id] = replace(by_id[s.id], left_on=rng.choice(leave_window))
        leavers.append(s.id)
    arrivals.sort(key=lambda sid: (by_id[sid].enrolled_on, sid))
    leavers.sort(key=lambda sid: (by_id[sid].left_on, sid))

    return Story(
        students=tuple(by_id[s.id] for s in students),
        arrivals=tuple(arrivals),
        leavers=tuple(leavers),
        long_ill=long_ill,
        pe_exempt=pe_exempt,
        ability_override=overrides,
        forced_values=forced,
        conditional=tuple(conditional),
        retained=tuple(retained),
        medal_flagged=tuple(flagged),
    )
