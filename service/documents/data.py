"""Typed, frozen data of each document kind: what a builder returns and a template prints.

The JSON form of these objects (``common.to_jsonable``) is embedded in every PDF as its data
attachment, so field names are part of the archive format: add fields, do not rename them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.documents.meta import DocumentMeta

# --- journal-printout ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LessonColumn:
    lesson_id: str
    date: dt.date
    number: int
    work_type: str  # WorkType value


@dataclass(frozen=True, slots=True)
class PrintoutRow:
    number: int
    student_id: str
    name: str  # «Фамилия Имя»
    cells: tuple[str, ...]  # one per LessonColumn: marks joined by «/», attendance code
    period_mark: str
    left_note: str = ""  # «выбыл 12.10.2024»


@dataclass(frozen=True, slots=True)
class TopicRow:
    date: dt.date
    number: int
    topic: str
    homework: str
    work_type: str  # Russian label
    substitute: str = ""  # «И. О. Фамилия» of the substitute teacher, if any


@dataclass(frozen=True, slots=True)
class PrintoutData:
    meta: DocumentMeta
    subject: str
    teacher: str
    group: str
    hours_per_week: float
    columns: tuple[LessonColumn, ...]
    rows: tuple[PrintoutRow, ...]
    topics: tuple[TopicRow, ...]
    lessons_planned: int
    lessons_held: int


# --- period-summary --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MarkStats:
    """Counts and percentages of one subject (or of the class) in a period."""

    counted: int  # students with a mark 5..1 or «н/а»
    fives: int
    fours: int
    threes: int
    twos: int
    ones: int
    not_attested: int
    progress: float  # успеваемость, %
    quality: float  # качество знаний, %
    sou: float  # степень обученности (СОУ), %


@dataclass(frozen=True, slots=True)
class SummaryRow:
    number: int
    student_id: str
    name: str
    marks: tuple[str, ...]  # one per subject
    absences: int  # lessons missed (Н + Б + У)
    absences_ill: int  # of them for illness (Б)


@dataclass(frozen=True, slots=True)
class SummaryData:
    meta: DocumentMeta
    subjects: tuple[str, ...]
    subject_ids: tuple[str, ...]
    rows: tuple[SummaryRow, ...]
    stats: tuple[MarkStats, ...]  # one per subject
    students_total: int
    excellent: int  # only «5»
    good: int  # only «4» and «5», at least one «4»
    with_one_three: int
    failing: int  # at least one «2», «1» or «н/а»
    class_progress: float
    class_quality: float


# --- year-statement --------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class YearData:
    meta: DocumentMeta
    periods: tuple[str, ...]  # short names of the periods
    subjects: tuple[str, ...]
    rows: tuple[YearRow, ...]
    show_exam: bool


# --- medal-sheet -----------------------------------------------------------------------------


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


# --- substitution-log ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SubstitutionRow:
    number: int
    date: dt.date
    lesson_number: int
    class_name: str
    subject: str
    absent_teacher: str
    reason: str
    substitute: str
    hours: float
    paid: bool


@dataclass(frozen=True, slots=True)
class TeacherTotal:
    teacher_id: str
    teacher: str
    hours: float  # substitution hours given
    paid_hours: float
    missed_hours: float  # hours the teacher was absent and substituted


@dataclass(frozen=True, slots=True)
class PayrollDifference:
    teacher_id: str
    teacher: str
    log_hours: float
    payroll_hours: float | None  # None: not in payroll
    problem: str  # Russian


@dataclass(frozen=True, slots=True)
class SubstitutionData:
    meta: DocumentMeta
    month: str  # "2024-10"
    month_name: str  # «октябрь 2024 г.»
    rows: tuple[SubstitutionRow, ...]
    totals: tuple[TeacherTotal, ...]
    total_hours: float
    total_paid_hours: float
    payroll_checked: bool
    payroll_source: str  # file name
    matches_payroll: bool
    differences: tuple[PayrollDifference, ...]


# --- parent-statement ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatementSubject:
    subject: str
    marks: tuple[tuple[str, str], ...]  # («12.09», «5»)
    average: str  # «4,33» or «—»
    period_marks: tuple[str, ...]  # per statement period column
    absences: int


@dataclass(frozen=True, slots=True)
class StatementData:
    meta: DocumentMeta
    student_id: str
    student: str  # full name
    class_name: str
    start: dt.date
    end: dt.date
    period_columns: tuple[str, ...]
    subjects: tuple[StatementSubject, ...]
    absences_total: int
    absences_ill: int
    absences_excused: int
    late: int
    absence_days: tuple[str, ...]  # «12.09 (Б, 3 ур.)»


# --- control-report --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccumulationRow:
    class_name: str
    subject: str
    group: str
    teacher: str
    hours_per_week: float
    required: int  # marks each student needs in the period
    students: int
    below: int  # students with fewer than required
    without_marks: int
    below_names: tuple[str, ...]  # «Фамилия И. (2)»
    without_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TimelinessRow:
    teacher: str
    lessons: int
    marks: int
    late_marks: int  # not on the lesson day
    late_written: int  # written works marked after 7 days
    late_tests: int  # tests marked after 3 days
    late_homework: int  # homework entered later than the allowed hours after the lesson
    missing_topics: int


@dataclass(frozen=True, slots=True)
class TimelinessCase:
    date: dt.date
    class_name: str
    subject: str
    teacher: str
    problem: str  # Russian
    delay: str  # «4 дн.», «26 ч»


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    number: int
    student_id: str
    name: str
    class_name: str
    lessons: int
    absent: int  # Н
    ill: int  # Б
    excused: int  # У
    late: int  # О
    missed: int  # Н + Б + У
    percent_missed: float


@dataclass(frozen=True, slots=True)
class MovementRow:
    date: dt.date
    student_id: str
    name: str
    kind: str  # Russian
    from_class: str
    to_class: str
    counterpart: str
    order: str
    reason: str


@dataclass(frozen=True, slots=True)
class ClassCount:
    class_name: str
    at_start: int
    arrived: int
    left: int
    at_end: int


@dataclass(frozen=True, slots=True)
class ControlData:
    meta: DocumentMeta
    report: str  # accumulation | timeliness | attendance | movement
    report_title: str
    scope: str  # Russian: «5А, 1 четверть», «октябрь 2024 г.»
    start: dt.date
    end: dt.date
    accumulation: tuple[AccumulationRow, ...] = ()
    timeliness: tuple[TimelinessRow, ...] = ()
    timeliness_cases: tuple[TimelinessCase, ...] = ()
    attendance: tuple[AttendanceRow, ...] = ()
    movements: tuple[MovementRow, ...] = ()
    class_counts: tuple[ClassCount, ...] = ()
    findings: tuple[str, ...] = ()  # Russian conclusions, one a line
    settings: tuple[tuple[str, str], ...] = ()  # the rules applied, printed with the report
