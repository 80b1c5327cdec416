"""Medal-candidate sheet (ведомость успеваемости претендентов на медаль) by the policy criteria."""

from __future__ import annotations

from dataclasses import dataclass

from service.documents.common import (
    class_subjects,
    get_class,
    get_period,
    make_meta,
)
from service.documents.kind import PERIOD_END, Kind, Params, PlannedFile
from service.documents.meta import DocumentMeta
from service.journal.snapshot import YEAR, Period, SchoolClass, Snapshot, Student
from service.policy import NUMERIC_MARKS as NUMERIC
from service.policy import MedalCriteria, MedalLevel, SchoolPolicy

# The JSON form of these classes is embedded in every PDF: add fields, do not rename them.


@dataclass(frozen=True, slots=True)
class MedalSubjectRow:
    subject: str
    marks: tuple[str, ...]  # one per period so far (and the year mark if any)
    flagged: tuple[bool, ...]  # mark below what the best reachable level requires


@dataclass(frozen=True, slots=True)
class MedalCandidate:
    student_id: str
    name: str
    subjects: tuple[MedalSubjectRow, ...]
    status: str  # Russian: the level still reachable, or «не соответствует критериям»
    level: str  # id of the reachable level, "" if none
    problems: tuple[str, ...]  # Russian: what breaks the criteria


@dataclass(frozen=True, slots=True)
class MedalData:
    meta: DocumentMeta
    columns: tuple[str, ...]  # period names so far
    criteria_name: str
    criteria_basis: str
    candidates: tuple[MedalCandidate, ...]


def assess(
    marks_by_subject: dict[str, list[str]], criteria: MedalCriteria
) -> tuple[MedalLevel | None, tuple[str, ...]]:
    """Best level the marks still satisfy and, if none, the Russian reasons why."""
    problems: list[str] = []
    for level in criteria.levels:
        below: list[str] = []
        fatal: list[str] = []
        for subject, values in marks_by_subject.items():
            numeric = [v for v in values if v in NUMERIC]
            bad = [
                v for v in values if v not in NUMERIC and v not in criteria.always_acceptable and v
            ]
            if bad or any(int(v) < int(level.allowed_min) for v in numeric):
                fatal.append(subject)
            elif any(int(v) < int(level.required) for v in numeric):
                below.append(subject)
        if not fatal and len(below) <= level.allowed_below:
            return level, ()
        problems = [
            f"{level.name}: "
            + (
                f"отметки ниже «{level.allowed_min}» — {', '.join(fatal)}"
                if fatal
                else f"предметов с отметкой ниже «{level.required}»: {len(below)} "
                f"(допускается не более {level.allowed_below})"
            )
        ]
    return None, tuple(problems)


def build_medal_sheet(
    snapshot: Snapshot,
    class_id: str | None,
    period_id: str | None,
    criteria: MedalCriteria | SchoolPolicy,
) -> MedalData:
    """Every candidate's marks in all subjects for all periods up to ``period_id``, flagged.

    ``criteria`` are the school policy's for the class's level (``SchoolPolicy.award_for``: the
    аттестат с отличием in the 9th grade, the medal in the 11th), or fixed criteria.
    """
    school_class = get_class(snapshot, class_id)
    if isinstance(criteria, SchoolPolicy):
        criteria = criteria.award_for(school_class.grade)
    title = KIND.title
    if criteria.candidates_title:
        title = f"Ведомость успеваемости {criteria.candidates_title}"
    period = get_period(snapshot, period_id)
    periods = [p for p in snapshot.year.periods if p.start <= period.start]
    with_year = period == snapshot.year.periods[-1]
    subjects = class_subjects(snapshot, school_class.id)
    index = snapshot.period_mark_index
    candidates = []
    students: tuple[Student, ...] = snapshot.students_of_class.get(school_class.id, ())
    for student in students:
        if not student.medal_candidate or (student.left_on and student.left_on < period.start):
            continue
        marks = {
            s.name: [index.get((student.id, s.id, p.id), "") for p in periods]
            + ([index.get((student.id, s.id, YEAR), "")] if with_year else [])
            for s in subjects
        }
        level, problems = assess(marks, criteria)
        threshold = level.required if level else criteria.levels[-1].required
        rows = tuple(
            MedalSubjectRow(
                subject=name,
                marks=tuple(values),
                flagged=tuple(v in NUMERIC and int(v) < int(threshold) for v in values),
            )
            for name, values in marks.items()
        )
        candidates.append(
            MedalCandidate(
                student_id=student.id,
                name=student.full_name,
                subjects=rows,
                status=f"соответствует: {level.name}" if level else "не соответствует критериям",
                level=level.id if level else "",
                problems=problems,
            )
        )
    columns = tuple(p.name for p in periods) + (("Год",) if with_year else ())
    return MedalData(
        meta=make_meta(
            snapshot,
            KIND.id,
            title,
            {"class": school_class.id, "period": period.id},
            class_id=school_class.id,
            period=period,
            signatures=KIND.signers,
        ),
        columns=columns,
        criteria_name=criteria.name,
        criteria_basis=criteria.basis,
        candidates=tuple(candidates),
    )


def _plan(
    snapshot: Snapshot, period: Period, school_class: SchoolClass | None
) -> list[PlannedFile]:
    """A sheet for each class that has medal candidates."""
    if school_class is None or not any(
        s.medal_candidate for s in snapshot.students_of_class.get(school_class.id, ())
    ):
        return []
    params = (("class", school_class.id), ("period", period.id))
    return [PlannedFile(params, f"{KIND.id}.pdf")]


def _build(snapshot: Snapshot, p: Params, policy: SchoolPolicy) -> MedalData:
    return build_medal_sheet(snapshot, p.get("class"), p.get("period"), policy)


KIND = Kind(
    id="medal-sheet",
    title="Ведомость успеваемости претендентов на медаль или аттестат с отличием",
    label="Ведомость претендентов на медаль и аттестат с отличием",
    required=("class", "period"),
    optional=(),
    signers=("director",),
    template="medal-sheet.html",
    build=_build,
    sets=(PERIOD_END,),
    plan=_plan,
    policy=("medal", "basic_honours"),
)
