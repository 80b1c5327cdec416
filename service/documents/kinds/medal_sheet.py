"""Medal-candidate sheet (ведомость успеваемости претендентов на медаль); criteria from YAML."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from service.config import env_str
from service.documents.common import DocumentProblem, get_class, get_period, make_meta
from service.documents.data import MedalCandidate, MedalData, MedalSubjectRow
from service.documents.summary import class_subjects
from service.journal.snapshot import YEAR, Snapshot, Student

KIND = "medal-sheet"
DEFAULT_CRITERIA = Path(__file__).with_name("medal_criteria.yaml")
NUMERIC = ("5", "4", "3", "2", "1")


@dataclass(frozen=True, slots=True)
class MedalLevel:
    id: str
    name: str
    required: str
    allowed_below: int
    allowed_min: str


@dataclass(frozen=True, slots=True)
class MedalCriteria:
    name: str
    basis: str
    always_acceptable: tuple[str, ...]
    levels: tuple[MedalLevel, ...]


def parse_criteria(raw: dict) -> MedalCriteria:
    """Criteria from the YAML mapping; a :class:`DocumentProblem` names what is wrong."""
    try:
        levels = tuple(
            MedalLevel(
                str(x["id"]),
                str(x["name"]),
                str(x["required"]),
                int(x["allowed_below"]),
                str(x["allowed_min"]),
            )
            for x in raw["levels"]
        )
        criteria = MedalCriteria(
            str(raw["name"]),
            str(raw.get("basis", "")),
            tuple(str(v) for v in raw.get("always_acceptable", ())),
            levels,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DocumentProblem(f"критерии медали: неверный формат ({exc})") from exc
    for level in levels:
        if level.required not in NUMERIC or level.allowed_min not in NUMERIC:
            raise DocumentProblem(
                f"критерии медали, уровень {level.id}: отметки должны быть от 1 до 5"
            )
    if not levels:
        raise DocumentProblem("критерии медали: не задан ни один уровень")
    return criteria


@cache
def load_criteria(path: str | None = None) -> MedalCriteria:
    """Load the criteria file (``VEDOMOST_MEDAL_CRITERIA`` or the packaged default)."""
    source = Path(path or env_str("MEDAL_CRITERIA") or DEFAULT_CRITERIA)
    with source.open(encoding="utf-8") as handle:
        return parse_criteria(yaml.safe_load(handle))


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
                else f"ниже «{level.required}» по {len(below)} предметам "
                f"(допускается {level.allowed_below})"
            )
        ]
    return None, tuple(problems)


def build_medal_sheet(
    snapshot: Snapshot,
    class_id: str | None,
    period_id: str | None,
    criteria: MedalCriteria | None = None,
) -> MedalData:
    """Every candidate's marks in all subjects for all periods up to ``period_id``, flagged."""
    criteria = criteria or load_criteria()
    school_class = get_class(snapshot, class_id)
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
            KIND,
            "Ведомость успеваемости претендентов на медаль",
            {"class": school_class.id, "period": period.id},
            class_id=school_class.id,
            period=period,
            signatures=("director",),
        ),
        columns=columns,
        criteria_name=criteria.name,
        criteria_basis=criteria.basis,
        candidates=tuple(candidates),
    )
