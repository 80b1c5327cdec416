"""Pieces shared by every builder: the document header, the stable document id, JSON form."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from service.documents.meta import DocumentMeta
from service.errors import UserError
from service.journal.grading import Grading, grading_of
from service.journal.ordering import class_sort_key, subject_sort_key
from service.journal.snapshot import (
    AttendanceCode,
    Period,
    SchoolClass,
    Snapshot,
    StaffMember,
    Student,
    Subject,
)

if TYPE_CHECKING:
    from service.policy import SchoolPolicy

ABSENCE_CODES = (AttendanceCode.ABSENT, AttendanceCode.ILL, AttendanceCode.EXCUSED)

MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
MONTHS_NOMINATIVE = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


class DocumentProblem(UserError):
    """The requested document cannot be built (unknown class, period…); the message is Russian."""


def document_id(snapshot: Snapshot, kind: str, params: Mapping[str, str | None]) -> str:
    """A stable id for (school, year, kind, parameters): the same document gets the same id."""
    parts = [snapshot.school.id, snapshot.year.id, kind]
    parts += [f"{k}={v}" for k, v in sorted(params.items()) if v]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12].upper()
    return f"VD-{digest[:4]}-{digest[4:8]}-{digest[8:12]}"


def make_meta(
    snapshot: Snapshot,
    kind: str,
    title: str,
    params: Mapping[str, str | None],
    class_id: str = "",
    period: Period | None = None,
    period_name: str = "",
    signatures: tuple[str, ...] = (),
    dated: dt.date | None = None,
) -> DocumentMeta:
    """Build the header of a document of ``kind`` with ``params`` from ``snapshot``.

    The document is dated ``dated`` (the end of its period or month), or by the end of
    ``period``; never later than the journal data (``snapshot.as_of``), which the footer and the
    heading print separately.
    """
    director = snapshot.director
    if dated is None and period is not None:
        dated = period.end
    issued_on = min(dated, snapshot.as_of) if dated else snapshot.as_of
    deputy = academic_deputy(snapshot)
    teacher_name = ""
    if class_id:
        school_class = snapshot.class_by_id[class_id]
        teacher = snapshot.staff_by_id.get(school_class.teacher_id or "")
        teacher_name = teacher.initials_first if teacher else ""
    return DocumentMeta(
        kind=kind,
        document_id=document_id(snapshot, kind, params),
        title=title,
        school_id=snapshot.school.id,
        school_name=snapshot.school.full_name,
        school_short_name=snapshot.school.short_name,
        place=snapshot.school.place,
        issued_on=issued_on,
        year_id=snapshot.year.id,
        snapshot_id=snapshot.snapshot_id,
        class_id=class_id,
        period_id=period.id if period else "",
        period_name=period_name or (period.name if period else ""),
        director=director.initials_first if director else "",
        class_teacher=teacher_name,
        signatures=signatures,
        data_on=snapshot.as_of,
        deputy=deputy.initials_first if deputy else "",
    )


def academic_deputy(snapshot: Snapshot) -> StaffMember | None:
    """The deputy director for teaching (заместитель директора по УВР), if the journal has one."""
    deputies = [m for m in snapshot.staff if m.position.lower().startswith("заместитель директора")]
    for member in deputies:
        position = member.position.lower()
        if "по увр" in position or "учебно-воспитательн" in position or "учебной" in position:
            return member
    return deputies[0] if len(deputies) == 1 else None


def grading(snapshot: Snapshot, policy: SchoolPolicy | None) -> Grading:
    """Which classes and subjects get marks, from the journal and the school policy."""
    if policy is None:
        from service.policy import default_policy

        policy = default_policy()
    rules = policy.grading
    return grading_of(snapshot, rules.unmarked_grades, rules.pass_fail_subjects)


def ordered_classes(snapshot: Snapshot) -> tuple[SchoolClass, ...]:
    """The classes in natural order: 1А, 2Б, …, 10А, 11А."""
    return tuple(sorted(snapshot.classes, key=class_sort_key))


def ordered_subjects(snapshot: Snapshot) -> tuple[Subject, ...]:
    """Every subject in the curriculum order (the journal's ``order``, else the federal one)."""
    return tuple(sorted(snapshot.subjects, key=subject_sort_key))


def get_class(snapshot: Snapshot, class_id: str | None) -> SchoolClass:
    """The class with ``class_id`` or a :class:`DocumentProblem` in Russian."""
    if not class_id:
        raise DocumentProblem("не указан класс (--class)")
    school_class = snapshot.class_by_id.get(class_id)
    if school_class is None:
        known = ", ".join(c.id for c in ordered_classes(snapshot)[:20])
        raise DocumentProblem(f"класса «{class_id}» нет в снимке журнала (есть: {known})")
    return school_class


def get_period(snapshot: Snapshot, period_id: str | None) -> Period:
    """The period with ``period_id`` or a :class:`DocumentProblem` in Russian."""
    if not period_id:
        raise DocumentProblem("не указан период (--period)")
    period = snapshot.period_by_id.get(period_id)
    if period is None:
        known = ", ".join(p.id for p in snapshot.year.periods)
        raise DocumentProblem(f"периода «{period_id}» нет в учебном году (есть: {known})")
    return period


def class_subjects(snapshot: Snapshot, class_id: str) -> tuple[Subject, ...]:
    """Subjects taught in a class, in the curriculum order."""
    taught = {a.subject_id for a in snapshot.assignments if a.class_id == class_id}
    return tuple(s for s in ordered_subjects(snapshot) if s.id in taught)


def parse_month(month: str | None) -> tuple[int, int]:
    """«2024-10» → (2024, 10), or a :class:`DocumentProblem`."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", month or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise DocumentProblem(
            f"месяц «{month or ''}» нужно указать в виде ГГГГ-ММ (--month 2024-10)"
        )
    return int(match.group(1)), int(match.group(2))


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last day of a month."""
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def parse_date(value: str | None, name: str) -> dt.date | None:
    """An ISO date parameter (``--from``, ``--to``), ``None`` when empty."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise DocumentProblem(f"дата --{name} должна быть в виде ГГГГ-ММ-ДД") from exc


def safe_file_name(value: str) -> str:
    """``value`` with everything but letters, digits, dots and dashes replaced by «_»."""
    return re.sub(r"[^\w.-]+", "_", value)


def enrolled_on(student: Student, day: dt.date) -> bool:
    """Whether ``student`` belongs to the school on ``day``."""
    if student.enrolled_on and student.enrolled_on > day:
        return False
    return not (student.left_on and student.left_on < day)


def class_students(
    snapshot: Snapshot, class_id: str, start: dt.date, end: dt.date
) -> tuple[Student, ...]:
    """Students of a class who were enrolled at some point between ``start`` and ``end``."""
    return tuple(
        s
        for s in snapshot.students_of_class.get(class_id, ())
        if not (s.enrolled_on and s.enrolled_on > end) and not (s.left_on and s.left_on < start)
    )


def percent(part: int, whole: int) -> float:
    """``part`` of ``whole`` in per cent, rounded to one decimal; 0 when ``whole`` is 0."""
    return round(100.0 * part / whole, 1) if whole else 0.0


def ru_date(day: dt.date | None) -> str:
    """«24.11.2026»."""
    return day.strftime("%d.%m.%Y") if day else ""


def ru_long_date(day: dt.date) -> str:
    """«24 ноября 2026 г.»."""
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year} г."


def to_jsonable(value: Any) -> Any:
    """Builder output as plain JSON values (dates ISO, enums their values, tuples lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value
