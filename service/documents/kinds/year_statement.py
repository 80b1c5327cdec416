"""Yearly summary statement of final marks (сводная ведомость итоговых отметок за учебный год)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from service.documents.common import (
    ABSENCE_CODES,
    class_students,
    class_subjects,
    get_class,
    make_meta,
    ru_date,
)
from service.documents.kind import Kind, Params
from service.documents.meta import DocumentMeta
from service.journal.snapshot import (
    DECISION_LABELS,
    EXAM,
    FAIL,
    FINAL,
    NOT_ATTESTED,
    YEAR,
    AttendanceCode,
    Decision,
    Snapshot,
    Student,
    YearDecision,
)
from service.policy import SchoolPolicy
from service.russian import by_sex

# The JSON form of these classes is embedded in every PDF: add fields, do not rename them.


@dataclass(frozen=True, slots=True)
class YearCell:
    periods: tuple[str, ...]  # one per period of the year
    year: str
    exam: str
    final: str


@dataclass(frozen=True, slots=True)
class YearRow:
    number: int
    student_id: str
    name: str
    cells: tuple[YearCell, ...]  # one per subject
    decision: str  # Russian label
    order: str  # «№ 45-у от 28.05.2025»
    note: str
    council: str = ""  # «протокол педагогического совета № 5 от 28.05.2025»
    warning: str = ""  # Russian: the decision contradicts the final marks
    absences: int = 0  # lessons missed in the year («Н», «Б», «У»)
    absences_ill: int = 0  # of them for illness («Б»)


@dataclass(frozen=True, slots=True)
class YearData:
    meta: DocumentMeta
    periods: tuple[str, ...]  # short names of the periods
    subjects: tuple[str, ...]
    rows: tuple[YearRow, ...]
    show_exam: bool
    warnings: tuple[str, ...] = ()  # «Иванов И.: …», one per contradicting decision


# Final marks a student cannot be promoted or graduate with (academic debt).
FAILING = ("2", "1", NOT_ATTESTED, FAIL)


def decision_label(decision: Decision, student: Student) -> str:
    """The decision agreeing with the student's sex: «переведён» / «переведена»."""
    label = DECISION_LABELS.get(decision, "")
    return by_sex(label, student) if label else ""


def check_decision(decision: YearDecision | None, student: Student, debts: list[str]) -> str:
    """Why the decision contradicts the final marks, or "" when it does not.

    A student with a failing final mark («2», «1», «н/а», «незачёт») is not promoted or graduated
    as usual: the council decides a conditional promotion or a repeat year.
    """
    if decision is None or not debts:
        return ""
    if decision.decision not in (Decision.PROMOTED, Decision.GRADUATED):
        return ""
    said = decision_label(decision.decision, student)
    options = (
        f"«{by_sex('условно переведён', student)}» или "
        f"«{by_sex('оставлен на повторное обучение', student)}»"
    )
    return (
        f"неудовлетворительные итоговые отметки ({', '.join(debts)}), а решение — «{said}»; "
        f"проверьте решение: {options}"
    )


def build_year_statement(snapshot: Snapshot, class_id: str | None) -> YearData:
    """Every period, year, exam and final mark per student and subject, with the decision.

    Each decision is checked against the final (or year) marks and cites the council's
    protocol and the order when the journal has them.
    """
    school_class = get_class(snapshot, class_id)
    subjects = class_subjects(snapshot, school_class.id)
    periods = snapshot.year.periods
    students = class_students(snapshot, school_class.id, snapshot.year.start, snapshot.year.end)
    index = snapshot.period_mark_index
    rows = []
    for number, student in enumerate(students, start=1):
        cells = tuple(
            YearCell(
                periods=tuple(index.get((student.id, s.id, p.id), "") for p in periods),
                year=index.get((student.id, s.id, YEAR), ""),
                exam=index.get((student.id, s.id, EXAM), ""),
                final=index.get((student.id, s.id, FINAL), ""),
            )
            for s in subjects
        )
        decision = snapshot.decision_of_student.get(student.id)
        debts = []
        for subject, cell in zip(subjects, cells, strict=True):
            final = cell.final or cell.year
            if final in FAILING:
                debts.append(f"{subject.name}: {final}")
        warning = check_decision(decision, student, debts)
        absences, absences_ill = year_absences(snapshot, student.id)
        council = ""
        if decision and decision.council_protocol:
            council = f"протокол педагогического совета № {decision.council_protocol}"
            if decision.council_date:
                council += f" от {ru_date(decision.council_date)}"
        order = ""
        if decision and decision.order_number:
            order = f"№ {decision.order_number}"
            if decision.order_date:
                order += f" от {ru_date(decision.order_date)}"
        rows.append(
            YearRow(
                number=number,
                student_id=student.id,
                name=student.short_name,
                cells=cells,
                decision=decision_label(decision.decision, student) if decision else "",
                order=order,
                note=decision.note if decision else "",
                council=council,
                warning=warning,
                absences=absences,
                absences_ill=absences_ill,
            )
        )
    show_exam = any(c.exam for r in rows for c in r.cells)
    return YearData(
        meta=make_meta(
            snapshot,
            KIND.id,
            KIND.title,
            {"class": school_class.id},
            class_id=school_class.id,
            period_name=f"{snapshot.year.id} учебный год",
            signatures=KIND.signers,
            dated=snapshot.year.end,
        ),
        periods=tuple(_short_period(p.name) for p in periods),
        subjects=tuple(s.short_name or s.name for s in subjects),
        rows=tuple(rows),
        show_exam=show_exam,
        warnings=tuple(f"{r.name}: {r.warning}" for r in rows if r.warning),
    )


def year_absences(snapshot: Snapshot, student_id: str) -> tuple[int, int]:
    """Lessons a student missed in the school year and, of them, for illness («Б»).

    Lateness («О») is not a missed lesson; every lesson of the year counts, whatever class the
    student was in at the time.
    """
    codes: Counter[str] = Counter()
    for record in snapshot.attendance_of_student.get(student_id, ()):
        lesson = snapshot.lesson_by_id.get(record.lesson_id)
        if lesson and snapshot.year.start <= lesson.date <= snapshot.year.end:
            codes[record.code] += 1
    return sum(codes[c] for c in ABSENCE_CODES), codes[AttendanceCode.ILL]


def _short_period(name: str) -> str:
    return (
        name.replace(" четверть", " ч.").replace(" полугодие", " п/г").replace(" триместр", " тр.")
    )


# --- page layout (presentation only, not data) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class SubjectChunk:
    """One page-width slice of the yearly statement: which subjects (indexes) it shows."""

    number: int
    indexes: tuple[int, ...]
    last: bool


# Landscape A4 with a 30 mm binding margin leaves 257 mm: № (6) + name (38) + decision (45) →
# about 168 mm for marks; at 6.5 mm a column that is 25 columns. The last sheet also prints the
# two attendance columns (``ATTENDANCE_COLUMNS``).
YEAR_MARK_COLUMNS_PER_PAGE = 25
ATTENDANCE_COLUMNS = 2


def split_subjects(
    subject_count: int, columns_per_subject: int, per_page: int = YEAR_MARK_COLUMNS_PER_PAGE
) -> list[SubjectChunk]:
    """Split subjects into page-width chunks so no mark column is narrower than ~6.5 mm."""
    if subject_count == 0:
        return [SubjectChunk(1, (), True)]
    size = max(1, per_page // columns_per_subject)
    count = -(-subject_count // size)
    size = -(-subject_count // count)  # balance the chunks
    chunks = []
    for number, first in enumerate(range(0, subject_count, size), start=1):
        indexes = tuple(range(first, min(first + size, subject_count)))
        chunks.append(SubjectChunk(number, indexes, indexes[-1] == subject_count - 1))
    return chunks


def year_context(data: YearData) -> dict[str, object]:
    """Template context of a yearly statement: its subject chunks."""
    per_subject = len(data.periods) + 2 + (1 if data.show_exam else 0)
    chunks = split_subjects(len(data.subjects), per_subject)
    if len(chunks[-1].indexes) * per_subject + ATTENDANCE_COLUMNS > YEAR_MARK_COLUMNS_PER_PAGE:
        chunks = split_subjects(
            len(data.subjects), per_subject, YEAR_MARK_COLUMNS_PER_PAGE - ATTENDANCE_COLUMNS
        )
    return {"chunks": chunks}


def _build(snapshot: Snapshot, p: Params, policy: SchoolPolicy) -> YearData:
    return build_year_statement(snapshot, p.get("class"))


KIND = Kind(
    id="year-statement",
    title="Сводная ведомость итоговых отметок",
    label="Сводная ведомость итоговых отметок",
    required=("class",),
    optional=(),
    signers=("class_teacher", "director"),
    template="year-statement.html",
    build=_build,
    context=year_context,
)
