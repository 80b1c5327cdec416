"""Period, year, exam and final marks computed from the lesson marks, with the special values."""

from __future__ import annotations

import random
from dataclasses import dataclass

from service.journal.snapshot import EXAM, EXEMPT, FINAL, NO_MARKS, NOT_ATTESTED, PASS, YEAR
from service.sample import curriculum
from service.sample.calendar import SchoolCalendar
from service.sample.journal import Journal
from service.sample.story import Story


@dataclass(frozen=True, slots=True)
class PeriodMarkRec:
    """A period mark (quarter, year, exam or final)."""

    student_id: str
    subject_id: str
    period_id: str
    value: str


def round_half_up(value: float) -> int:
    """School rounding: 4.5 → 5, 3.49 → 3."""
    return int(value + 0.5 + 1e-9)


def make_period_marks(
    story: Story, journal: Journal, calendar: SchoolCalendar, rng: random.Random
) -> tuple[PeriodMarkRec, ...]:
    """Quarter and year marks for grades 2–11, exam and final marks for grades 9 and 11."""
    result: list[PeriodMarkRec] = []
    arrivals = set(story.arrivals)
    for s in story.students:
        if s.grade == 1:
            continue
        exempt_terms = story.pe_exempt.get(s.id, ())
        year_marks: dict[str, str] = {}
        for spec, _ in curriculum.subjects_of_grade(s.grade):
            term_values: list[str] = []
            for term in calendar.terms:
                if s.enrolled_on > term.end or (s.left_on is not None and s.left_on < term.end):
                    continue
                if spec.pass_fail:
                    value = PASS
                elif spec.id == "pe" and term.id in exempt_terms:
                    value = EXEMPT
                else:
                    marks = journal.values.get((s.id, spec.id, term.id))
                    if marks:
                        value = str(max(1, min(5, round_half_up(sum(marks) / len(marks)))))
                    elif s.id in story.long_ill:
                        value = NOT_ATTESTED
                    elif s.id in arrivals and term.start <= s.enrolled_on <= term.end:
                        value = NO_MARKS
                    else:
                        value = NOT_ATTESTED
                result.append(PeriodMarkRec(s.id, spec.id, term.id, value))
                term_values.append(value)
            if s.left_on is not None or not term_values:
                continue
            year_value = _year_value(term_values, spec.pass_fail)
            year_marks[spec.id] = year_value
            result.append(PeriodMarkRec(s.id, spec.id, YEAR, year_value))
        if s.grade in (9, 11) and s.left_on is None:
            result.extend(
                _exams_and_finals(s.id, s.grade, s.ability, s.medal_candidate, year_marks, rng)
            )
    return tuple(result)


def _year_value(term_values: list[str], pass_fail: bool) -> str:
    if pass_fail:
        return PASS
    numbers = [int(v) for v in term_values if v.isdigit()]
    if numbers:
        return str(round_half_up(sum(numbers) / len(numbers)))
    if all(v == EXEMPT for v in term_values):
        return EXEMPT
    if NOT_ATTESTED in term_values:
        return NOT_ATTESTED
    return NO_MARKS


def _exams_and_finals(
    student_id: str,
    grade: int,
    ability: float,
    medal: bool,
    year_marks: dict[str, str],
    rng: random.Random,
) -> list[PeriodMarkRec]:
    exams = list(curriculum.EXAM_COMPULSORY[grade])
    choice = [sid for sid in curriculum.EXAM_CHOICE[grade] if sid in year_marks]
    exams += rng.sample(choice, curriculum.EXAM_CHOICES_PER_STUDENT[grade])
    result: list[PeriodMarkRec] = []
    exam_values: dict[str, int] = {}
    for subject_id in exams:
        value = 5 if medal else max(3, min(5, round_half_up(ability + rng.gauss(0.0, 0.6))))
        exam_values[subject_id] = value
        result.append(PeriodMarkRec(student_id, subject_id, EXAM, str(value)))
    for subject_id, year_value in year_marks.items():
        final = year_value
        if grade == 9 and subject_id in exam_values and year_value.isdigit():
            final = str(round_half_up((int(year_value) + exam_values[subject_id]) / 2))
        result.append(PeriodMarkRec(student_id, subject_id, FINAL, final))
    return result
