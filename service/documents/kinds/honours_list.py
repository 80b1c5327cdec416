"""Honours list (список выпускников, награждённых аттестатом с отличием и медалью) for a year."""

from __future__ import annotations

from dataclasses import dataclass

from service.documents.common import class_subjects, make_meta
from service.documents.kind import Kind, Params
from service.documents.kinds.medal_sheet import assess
from service.documents.meta import DocumentMeta
from service.journal.snapshot import FINAL, YEAR, Decision, Snapshot
from service.policy import SchoolPolicy

# The JSON form of these classes is embedded in every PDF: add fields, do not rename them.

GRADUATING_GRADES = (9, 11)
"""The grades that end a level of education: основное общее (9) and среднее общее (11)."""


@dataclass(frozen=True, slots=True)
class HonoursRow:
    number: int
    student_id: str
    name: str  # full name, as on the аттестат
    class_id: str
    award: str  # Russian: «аттестат с отличием», «медаль I степени»
    level: str  # id of the level in the policy («honours», «I», «II»)
    criteria: str  # Russian name of the criteria («Медаль «За особые успехи в учении»»)


@dataclass(frozen=True, slots=True)
class NotAwarded:
    student_id: str
    name: str
    class_id: str
    problems: tuple[str, ...]  # Russian: which rule the final marks break


@dataclass(frozen=True, slots=True)
class HonoursData:
    meta: DocumentMeta
    rows: tuple[HonoursRow, ...]
    not_awarded: tuple[NotAwarded, ...]  # medal candidates whose final marks fall short
    bases: tuple[str, ...]  # Russian: the orders the criteria come from


def final_marks(snapshot: Snapshot, student_id: str, class_id: str) -> dict[str, list[str]]:
    """The final mark of each subject (the year mark where no final mark is given)."""
    index = snapshot.period_mark_index
    return {
        s.name: [
            index.get((student_id, s.id, FINAL), "") or index.get((student_id, s.id, YEAR), "")
        ]
        for s in class_subjects(snapshot, class_id)
    }


def build_honours_list(snapshot: Snapshot, policy: SchoolPolicy) -> HonoursData:
    """Graduates of the 9th and 11th grades whose final marks meet the policy's criteria.

    A graduate is a student the council decided «окончил»; the criteria of the grade
    (``SchoolPolicy.award_for``: the аттестат с отличием in the 9th, the medal in the 11th) are
    evaluated by the same ``assess`` as the medal-candidate sheet, on the final marks.
    """
    rows: list[HonoursRow] = []
    not_awarded: list[NotAwarded] = []
    bases: list[str] = []
    classes = sorted(
        (c for c in snapshot.classes if c.grade in GRADUATING_GRADES),
        key=lambda c: (c.grade, c.letter),
    )
    for school_class in classes:
        criteria = policy.award_for(school_class.grade)
        for student in snapshot.students_of_class.get(school_class.id, ()):
            decision = snapshot.decision_of_student.get(student.id)
            if decision is None or decision.decision != Decision.GRADUATED:
                continue
            level, problems = assess(final_marks(snapshot, student.id, school_class.id), criteria)
            if level is not None:
                if criteria.basis not in bases:
                    bases.append(criteria.basis)
                rows.append(
                    HonoursRow(
                        number=len(rows) + 1,
                        student_id=student.id,
                        name=student.full_name,
                        class_id=school_class.id,
                        award=level.name,
                        level=level.id,
                        criteria=criteria.name,
                    )
                )
            elif student.medal_candidate:
                not_awarded.append(
                    NotAwarded(student.id, student.full_name, school_class.id, problems)
                )
    return HonoursData(
        meta=make_meta(
            snapshot,
            KIND.id,
            KIND.title,
            {},
            period_name=f"{snapshot.year.id} учебный год",
            signatures=KIND.signers,
            dated=snapshot.year.end,
        ),
        rows=tuple(rows),
        not_awarded=tuple(not_awarded),
        bases=tuple(bases),
    )


def _build(snapshot: Snapshot, p: Params, policy: SchoolPolicy) -> HonoursData:
    return build_honours_list(snapshot, policy)


KIND = Kind(
    id="honours-list",
    title=(
        "Список выпускников, награждённых аттестатом с отличием и медалью "
        "«За особые успехи в учении»"
    ),
    label="Список награждённых аттестатом с отличием и медалью",
    required=(),
    optional=(),
    signers=("director",),
    template="honours-list.html",
    build=_build,
    policy=("medal", "basic_honours"),
)
