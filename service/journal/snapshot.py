"""The canonical journal snapshot as typed, immutable Python objects.

This is the in-memory form of Vedomost journal format v1 (``schema/journal-v1.schema.json``,
documented in ``docs/journal-format.md``). Every import adapter produces a :class:`Snapshot`;
document builders are pure functions of a :class:`Snapshot`. Field names match the JSON keys.

Identifiers are strings chosen by the source system; they are unique within their entity list.
Dates are :class:`datetime.date`, moments are timezone-aware :class:`datetime.datetime`.

JSON mapping (format v1): the document is one object
``{"format": "vedomost-journal", "version": 1, "source": ..., "as_of": ..., "school": {...},
"year": {..., "periods": [...], "holidays": [...]}, "staff": [...],
"classes": [{..., "groups": [...]}], "students": [...], "guardians": [...], "subjects": [...],
"assignments": [...], "lessons": [...],
"marks": [...], "attendance": [...], "period_marks": [...], "decisions": [...], "movements": [...],
"substitutions": [...], "consents": [...]}``. Keys are exactly the dataclass field names below
(``snapshot_id`` is not part of the file). Dates are ``"YYYY-MM-DD"``, moments ISO 8601 with a UTC
offset, enums their values (``"M"``, ``"paper"``, ``"Н"``, ``"test"``…), tuples JSON arrays, nested
dataclasses (``IdentityDocument``, ``Period``, ``Holiday``, ``Group``) JSON objects. Optional fields
may be omitted or ``null``; lists that are empty may be omitted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

FORMAT_NAME = "vedomost-journal"
FORMAT_VERSION = 1

# Period ids with a fixed meaning in ``PeriodMark.period_id`` besides the year's own periods.
YEAR = "year"  # годовая отметка
EXAM = "exam"  # экзаменационная отметка
FINAL = "final"  # итоговая отметка
SPECIAL_PERIOD_IDS = (YEAR, EXAM, FINAL)


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


class PeriodKind(StrEnum):
    QUARTER = "quarter"  # четверть
    TRIMESTER = "trimester"  # триместр
    HALF = "half"  # полугодие


class Delivery(StrEnum):
    """How a guardian wants progress information: the e-diary or paper statements."""

    ELECTRONIC = "electronic"
    PAPER = "paper"


class WorkType(StrEnum):
    CLASS = "class"  # работа на уроке
    ORAL = "oral"  # устный ответ
    HOMEWORK = "homework"  # домашняя работа
    WRITTEN = "written"  # письменная работа (сочинение, изложение, диктант, самостоятельная)
    TEST = "test"  # контрольная работа
    PRACTICAL = "practical"  # практическая / лабораторная работа
    PROJECT = "project"  # проект
    OTHER = "other"


WORK_TYPE_LABELS: dict[str, str] = {
    WorkType.CLASS: "Работа на уроке",
    WorkType.ORAL: "Устный ответ",
    WorkType.HOMEWORK: "Домашняя работа",
    WorkType.WRITTEN: "Письменная работа",
    WorkType.TEST: "Контрольная работа",
    WorkType.PRACTICAL: "Практическая работа",
    WorkType.PROJECT: "Проект",
    WorkType.OTHER: "Другое",
}


class AttendanceCode(StrEnum):
    ABSENT = "Н"  # отсутствовал
    ILL = "Б"  # болел
    EXCUSED = "У"  # уважительная причина
    LATE = "О"  # опоздал


# Lesson marks: the five-point scale.
MARK_VALUES = ("5", "4", "3", "2", "1")
# Period marks: the scale plus the special values.
PASS = "зач"  # noqa: S105 (a mark, not a password)
FAIL = "незач"
EXEMPT = "осв"
NOT_ATTESTED = "н/а"
NO_MARKS = "безотм"
PERIOD_MARK_VALUES = (*MARK_VALUES, PASS, FAIL, EXEMPT, NOT_ATTESTED, NO_MARKS)


class Decision(StrEnum):
    """Decision of the pedagogical council at the end of the year."""

    PROMOTED = "promoted"  # переведён
    CONDITIONALLY_PROMOTED = "conditionally_promoted"  # условно переведён
    RETAINED = "retained"  # оставлен на повторное обучение
    LEFT = "left"  # выбыл
    GRADUATED = "graduated"  # окончил (9 и 11 классы)


DECISION_LABELS: dict[str, str] = {
    Decision.PROMOTED: "переведён",
    Decision.CONDITIONALLY_PROMOTED: "условно переведён",
    Decision.RETAINED: "оставлен на повторное обучение",
    Decision.LEFT: "выбыл",
    Decision.GRADUATED: "окончил",
}


class MovementKind(StrEnum):
    ARRIVAL = "arrival"  # прибытие
    LEAVING = "leaving"  # выбытие
    TRANSFER = "transfer"  # перевод в другой класс школы


class ConsentKind(StrEnum):
    PERSONAL_DATA = "personal_data"  # согласие на обработку ПДн
    ELECTRONIC_DELIVERY = "electronic_delivery"  # заявление об электронной форме информирования


class ConsentStatus(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    PENDING = "pending"  # not yet collected


@dataclass(frozen=True, slots=True)
class IdentityDocument:
    kind: str  # e.g. «паспорт гражданина РФ», «свидетельство о рождении»
    series: str = ""
    number: str = ""
    issued_by: str = ""
    issued_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """Fields shared by people: the Russian full name (ФИО)."""

    last_name: str
    first_name: str
    middle_name: str = ""

    @property
    def full_name(self) -> str:
        """«Фамилия Имя Отчество»."""
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def short_name(self) -> str:
        """«Фамилия И. О.»."""
        initials = " ".join(f"{p[0]}." for p in (self.first_name, self.middle_name) if p)
        return f"{self.last_name} {initials}".strip()

    @property
    def initials_first(self) -> str:
        """«И. О. Фамилия», as under a signature."""
        initials = " ".join(f"{p[0]}." for p in (self.first_name, self.middle_name) if p)
        return f"{initials} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class School:
    id: str
    full_name: str
    short_name: str
    address: str
    place: str  # населённый пункт, for the document's place of issue
    director_id: str
    inn: str = ""
    ogrn: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Period:
    id: str  # e.g. "Q1"
    name: str  # e.g. «1 четверть»
    kind: PeriodKind
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class Holiday:
    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class AcademicYear:
    id: str  # "2024/2025"
    start: dt.date
    end: dt.date
    periods: tuple[Period, ...]
    holidays: tuple[Holiday, ...] = ()


@dataclass(frozen=True, slots=True)
class StaffMember(Person):
    id: str = ""
    position: str = ""  # «учитель математики», «директор»


@dataclass(frozen=True, slots=True)
class Group:
    """A subgroup of a class (e.g. a foreign-language group)."""

    id: str
    name: str
    student_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SchoolClass:
    id: str  # e.g. "5А"
    grade: int
    letter: str
    teacher_id: str | None  # class teacher (классный руководитель)
    groups: tuple[Group, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"


@dataclass(frozen=True, slots=True)
class Guardian(Person):
    id: str = ""
    relation: str = ""  # «мать», «отец», «опекун»
    phone: str = ""
    email: str = ""
    address: str = ""
    delivery: Delivery = Delivery.ELECTRONIC
    document: IdentityDocument | None = None


@dataclass(frozen=True, slots=True)
class Student(Person):
    id: str = ""
    birth_date: dt.date | None = None
    sex: Sex = Sex.MALE
    class_id: str = ""
    enrolled_on: dt.date | None = None
    left_on: dt.date | None = None
    guardian_ids: tuple[str, ...] = ()
    medal_candidate: bool = False
    document: IdentityDocument | None = None
    address: str = ""


@dataclass(frozen=True, slots=True)
class Subject:
    id: str
    name: str
    short_name: str = ""
    order: int | None = None  # place in the school's учебный план; federal order by name if None


@dataclass(frozen=True, slots=True)
class Assignment:
    """A teacher teaches a subject to a class (or one of its groups) for some hours a week."""

    id: str
    class_id: str
    subject_id: str
    teacher_id: str
    hours_per_week: float
    group_id: str | None = None


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    date: dt.date
    number: int  # lesson number in the day (1..8)
    class_id: str
    subject_id: str
    teacher_id: str
    group_id: str | None = None
    substitute_id: str | None = None
    topic: str = ""
    homework: str = ""
    work_type: WorkType = WorkType.CLASS
    entered_at: dt.datetime | None = None  # when the lesson (topic) was entered
    homework_entered_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Mark:
    id: str
    lesson_id: str
    student_id: str
    value: str  # one of MARK_VALUES
    work_type: WorkType = WorkType.CLASS
    entered_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Attendance:
    lesson_id: str
    student_id: str
    code: AttendanceCode


@dataclass(frozen=True, slots=True)
class PeriodMark:
    student_id: str
    subject_id: str
    period_id: str  # a Period.id, or YEAR / EXAM / FINAL
    value: str  # one of PERIOD_MARK_VALUES


@dataclass(frozen=True, slots=True)
class YearDecision:
    student_id: str
    decision: Decision
    order_number: str = ""
    order_date: dt.date | None = None
    note: str = ""  # e.g. subjects with academic debt for a conditional promotion
    council_protocol: str = ""  # number of the педагогический совет protocol
    council_date: dt.date | None = None  # date of that meeting


@dataclass(frozen=True, slots=True)
class Movement:
    id: str
    student_id: str
    kind: MovementKind
    date: dt.date
    order_number: str
    order_date: dt.date | None = None
    from_class_id: str | None = None
    to_class_id: str | None = None
    counterpart: str = ""  # the school the student came from or left for
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Substitution:
    id: str
    date: dt.date
    lesson_number: int
    class_id: str
    subject_id: str
    absent_teacher_id: str
    substitute_id: str
    reason: str = ""  # «болезнь», «курсы повышения квалификации», …
    hours: float = 1.0
    paid: bool = True
    lesson_id: str | None = None


@dataclass(frozen=True, slots=True)
class Consent:
    id: str
    guardian_id: str
    student_id: str
    kind: ConsentKind
    status: ConsentStatus
    date: dt.date | None = None  # when given or refused
    withdrawn_on: dt.date | None = None


@dataclass(frozen=True)
class Snapshot:
    """One school's academic year up to ``as_of``, as imported. Immutable.

    The ``by_*`` / ``*_of`` helpers are computed once and cached; builders should use them
    rather than scanning the tuples.
    """

    school: School
    year: AcademicYear
    as_of: dt.date
    staff: tuple[StaffMember, ...]
    classes: tuple[SchoolClass, ...]
    students: tuple[Student, ...]
    guardians: tuple[Guardian, ...]
    subjects: tuple[Subject, ...]
    assignments: tuple[Assignment, ...]
    lessons: tuple[Lesson, ...]
    marks: tuple[Mark, ...]
    attendance: tuple[Attendance, ...]
    period_marks: tuple[PeriodMark, ...]
    decisions: tuple[YearDecision, ...] = ()
    movements: tuple[Movement, ...] = ()
    substitutions: tuple[Substitution, ...] = ()
    consents: tuple[Consent, ...] = ()
    source: str = ""  # free text: the exporting system
    snapshot_id: str = field(
        default="", compare=False
    )  # SHA-256 of the canonical form, once stored

    # --- indexes -------------------------------------------------------------------------
    @cached_property
    def staff_by_id(self) -> dict[str, StaffMember]:
        return {s.id: s for s in self.staff}

    @cached_property
    def class_by_id(self) -> dict[str, SchoolClass]:
        return {c.id: c for c in self.classes}

    @cached_property
    def student_by_id(self) -> dict[str, Student]:
        return {s.id: s for s in self.students}

    @cached_property
    def guardian_by_id(self) -> dict[str, Guardian]:
        return {g.id: g for g in self.guardians}

    @cached_property
    def subject_by_id(self) -> dict[str, Subject]:
        return {s.id: s for s in self.subjects}

    @cached_property
    def period_by_id(self) -> dict[str, Period]:
        return {p.id: p for p in self.year.periods}

    @cached_property
    def lesson_by_id(self) -> dict[str, Lesson]:
        return {lesson.id: lesson for lesson in self.lessons}

    @cached_property
    def students_of_class(self) -> dict[str, tuple[Student, ...]]:
        """Students per class id, sorted by ФИО (includes those who left; check ``left_on``)."""
        grouped: dict[str, list[Student]] = defaultdict(list)
        for student in self.students:
            grouped[student.class_id].append(student)
        return {
            k: tuple(sorted(v, key=lambda s: (s.last_name, s.first_name, s.middle_name, s.id)))
            for k, v in grouped.items()
        }

    @cached_property
    def lessons_of_class_subject(self) -> dict[tuple[str, str], tuple[Lesson, ...]]:
        """Lessons per (class id, subject id), ordered by date and lesson number."""
        grouped: dict[tuple[str, str], list[Lesson]] = defaultdict(list)
        for lesson in self.lessons:
            grouped[(lesson.class_id, lesson.subject_id)].append(lesson)
        return {
            k: tuple(sorted(v, key=lambda x: (x.date, x.number, x.id))) for k, v in grouped.items()
        }

    @cached_property
    def marks_of_lesson(self) -> dict[str, tuple[Mark, ...]]:
        grouped: dict[str, list[Mark]] = defaultdict(list)
        for mark in self.marks:
            grouped[mark.lesson_id].append(mark)
        return {k: tuple(v) for k, v in grouped.items()}

    @cached_property
    def marks_of_student(self) -> dict[str, tuple[Mark, ...]]:
        grouped: dict[str, list[Mark]] = defaultdict(list)
        for mark in self.marks:
            grouped[mark.student_id].append(mark)
        return {k: tuple(v) for k, v in grouped.items()}

    @cached_property
    def attendance_of_lesson(self) -> dict[str, tuple[Attendance, ...]]:
        grouped: dict[str, list[Attendance]] = defaultdict(list)
        for record in self.attendance:
            grouped[record.lesson_id].append(record)
        return {k: tuple(v) for k, v in grouped.items()}

    @cached_property
    def attendance_of_student(self) -> dict[str, tuple[Attendance, ...]]:
        grouped: dict[str, list[Attendance]] = defaultdict(list)
        for record in self.attendance:
            grouped[record.student_id].append(record)
        return {k: tuple(v) for k, v in grouped.items()}

    @cached_property
    def period_mark_index(self) -> dict[tuple[str, str, str], str]:
        """(student id, subject id, period id) → value."""
        return {(m.student_id, m.subject_id, m.period_id): m.value for m in self.period_marks}

    @cached_property
    def decision_of_student(self) -> dict[str, YearDecision]:
        return {d.student_id: d for d in self.decisions}

    @property
    def director(self) -> StaffMember | None:
        return self.staff_by_id.get(self.school.director_id)

    def period_of(self, day: dt.date) -> Period | None:
        """The period that contains ``day``, if any."""
        for period in self.year.periods:
            if period.start <= day <= period.end:
                return period
        return None

    def lessons_in(
        self, class_id: str, subject_id: str, period: Period, group_id: str | None = None
    ) -> tuple[Lesson, ...]:
        """Lessons of a class and subject (and group, if given) within a period."""
        return tuple(
            lesson
            for lesson in self.lessons_of_class_subject.get((class_id, subject_id), ())
            if period.start <= lesson.date <= period.end
            and (group_id is None or lesson.group_id == group_id)
        )
