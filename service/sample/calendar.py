"""The school calendar: four quarters with autumn, winter, spring and public holidays."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Term:
    """A study period (quarter)."""

    id: str
    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class Break:
    """Days without lessons: school holidays (каникулы) or a public holiday."""

    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class SchoolCalendar:
    """The academic year: its bounds, quarters, breaks and the days with lessons."""

    year_id: str
    kind: str  # a PeriodKind value: "quarter", "half" or "trimester"
    start: dt.date
    end: dt.date
    terms: tuple[Term, ...]
    breaks: tuple[Break, ...]
    school_days: tuple[dt.date, ...]

    @property
    def winter_term(self) -> Term:
        """The period that contains 15 December (2nd quarter, 1st half, 2nd trimester)."""
        middle = dt.date(self.start.year, 12, 15)
        return next(t for t in self.terms if t.start <= middle <= t.end)

    @property
    def spring_term(self) -> Term:
        """The period after the winter one (3rd quarter, 2nd half, 3rd trimester)."""
        index = self.terms.index(self.winter_term)
        return self.terms[min(index + 1, len(self.terms) - 1)]

    def term_of(self, day: dt.date) -> Term | None:
        """The quarter containing ``day``."""
        for term in self.terms:
            if term.start <= day <= term.end:
                return term
        return None


def parse_year(year: str | int) -> int:
    """The first calendar year of an academic year «2024/2025» (the int 2024 means the same)."""
    if isinstance(year, int) and not isinstance(year, bool):
        if 1900 <= year <= 2200:
            return year
        raise ValueError(f"учебный год должен быть записан как «2024/2025», получено «{year}»")
    match = re.fullmatch(r"(\d{4})/(\d{4})", str(year).strip())
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise ValueError(f"учебный год должен быть записан как «2024/2025», получено «{year}»")
    return int(match.group(1))


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += ONE_DAY
    return day


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= ONE_DAY
    return day


def _saturday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - 5) % 7)


def _public_holidays(first: int) -> list[Break]:
    """Public non-working days inside the quarters (with the weekend transfers for 2024/2025)."""
    second = first + 1
    days = [
        ("День защитника Отечества", dt.date(second, 2, 23)),
        ("Международный женский день", dt.date(second, 3, 8)),
        ("Праздник Весны и Труда", dt.date(second, 5, 1)),
        ("День Победы", dt.date(second, 5, 9)),
    ]
    result: list[Break] = []
    if first == 2024:
        # Decree for 2025: 23 February moved to 8 May, 4 January to 2 May, 8 March to 13 June.
        result = [Break(name, day, day) for name, day in days if day.weekday() < 5]
        result.append(Break("Перенос выходного дня", dt.date(2025, 5, 2), dt.date(2025, 5, 2)))
        result.append(Break("Перенос выходного дня", dt.date(2025, 5, 8), dt.date(2025, 5, 8)))
        return sorted(result, key=lambda b: b.start)
    for name, day in days:
        if day.weekday() == 5:
            day += 2 * ONE_DAY  # a Saturday holiday moves to Monday (Labour Code art. 112)
        elif day.weekday() == 6:
            day += ONE_DAY
        result.append(Break(name, day, day))
    return sorted(result, key=lambda b: b.start)


PERIOD_KINDS = ("quarter", "half", "trimester")


def build_calendar(year: str | int = "2024/2025", periods: str = "quarter") -> SchoolCalendar:
    """The calendar of an academic year: 2024/2025 follows the usual Moscow-region dates.

    ``periods`` is «quarter» (четверти, the default), «half» (полугодия: the first two and the last
    two quarters) or «trimester» (триместры: to the end of November, of February, of the year);
    the holidays are the same for all three.
    """
    if periods not in PERIOD_KINDS:
        raise ValueError(
            f"вид периодов «{periods}» неизвестен; допустимы: четверти (quarter), "
            "полугодия (half), триместры (trimester)"
        )
    first = parse_year(year)
    second = first + 1
    q1_start = _weekday_on_or_after(dt.date(first, 9, 1))
    autumn_start = _saturday_on_or_before(dt.date(first, 10, 31))
    autumn_end = autumn_start + dt.timedelta(days=8)
    if (autumn_end + ONE_DAY) == dt.date(first, 11, 4):
        autumn_end += ONE_DAY  # 4 November (Unity Day) on a Monday joins the holidays
    q1_end = autumn_start - ONE_DAY  # the Friday before
    q2_start = _weekday_on_or_after(autumn_end + ONE_DAY)
    q2_end = _weekday_on_or_before(dt.date(first, 12, 28))
    winter_start = q2_end + ONE_DAY
    winter_end = dt.date(second, 1, 8)
    q3_start = _weekday_on_or_after(winter_end + ONE_DAY)
    spring_start = _saturday_on_or_before(dt.date(second, 3, 25))
    spring_end = spring_start + dt.timedelta(days=8)
    q3_end = spring_start - ONE_DAY
    q4_start = _weekday_on_or_after(spring_end + ONE_DAY)
    q4_end = _weekday_on_or_before(dt.date(second, 5, 26))
    if periods == "half":
        terms: tuple[Term, ...] = (
            Term("H1", "1 полугодие", q1_start, q2_end),
            Term("H2", "2 полугодие", q3_start, q4_end),
        )
    elif periods == "trimester":
        t1_end = _weekday_on_or_before(dt.date(first, 11, 30))
        t2_end = _weekday_on_or_before(dt.date(second, 3, 1) - ONE_DAY)
        terms = (
            Term("T1", "1 триместр", q1_start, t1_end),
            Term("T2", "2 триместр", _weekday_on_or_after(t1_end + ONE_DAY), t2_end),
            Term("T3", "3 триместр", _weekday_on_or_after(t2_end + ONE_DAY), q4_end),
        )
    else:
        terms = (
            Term("Q1", "1 четверть", q1_start, q1_end),
            Term("Q2", "2 четверть", q2_start, q2_end),
            Term("Q3", "3 четверть", q3_start, q3_end),
            Term("Q4", "4 четверть", q4_start, q4_end),
        )
    breaks = [
        Break("Осенние каникулы", q1_end + ONE_DAY, autumn_end),
        Break("Зимние каникулы", winter_start, winter_end),
        Break("Весенние каникулы", q3_end + ONE_DAY, spring_end),
        *_public_holidays(first),
    ]
    breaks.sort(key=lambda b: b.start)
    off: set[dt.date] = set()
    for brk in breaks:
        day = brk.start
        while day <= brk.end:
            off.add(day)
            day += ONE_DAY
    school_days: list[dt.date] = []
    for term in terms:
        day = term.start
        while day <= term.end:
            if day.weekday() < 5 and day not in off:
                school_days.append(day)
            day += ONE_DAY
    return SchoolCalendar(
        year_id=f"{first}/{second}",
        kind=periods,
        start=dt.date(first, 9, 1),
        end=dt.date(second, 8, 31),
        terms=terms,
        breaks=tuple(breaks),
        school_days=tuple(school_days),
    )
