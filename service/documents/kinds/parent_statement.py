"""Statement for parents (выписка из электронного журнала): one student, a period or dates."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from service.documents.common import (
    ABSENCE_CODES,
    DocumentProblem,
    class_subjects,
    get_class,
    make_meta,
    parse_date,
    ru_date,
)
from service.documents.kind import Kind, Params
from service.documents.meta import DocumentMeta
from service.journal.snapshot import AttendanceCode, Delivery, Guardian, Snapshot, Student
from service.policy import SchoolPolicy

if TYPE_CHECKING:
    from service.documents.printpack import PrintPack

# The JSON form of these classes is embedded in every PDF: add fields, do not rename them.


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
    guardian: str = ""  # full name of the guardian the statement is for, if named
    guardian_sex: str = ""  # «M»/«F» of that guardian, for «ознакомлен»/«ознакомлена»


def get_student(snapshot: Snapshot, student_id: str | None) -> Student:
    """The student with ``student_id`` or a :class:`DocumentProblem`."""
    student = snapshot.student_by_id.get(student_id or "")
    if student is None:
        raise DocumentProblem(
            f"ученика с идентификатором «{student_id or ''}» нет в снимке журнала"
        )
    return student


def build_parent_statement(
    snapshot: Snapshot,
    student_id: str | None,
    period_id: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    guardian_id: str | None = None,
) -> StatementData:
    """Marks by subject with dates, attendance and period marks of one student.

    With ``guardian_id`` the statement is addressed to that guardian: the acknowledgement line
    agrees with the guardian's sex.
    """
    student = get_student(snapshot, student_id)
    guardian = snapshot.guardian_by_id.get(guardian_id) if guardian_id else None
    if guardian_id and (guardian is None or guardian_id not in student.guardian_ids):
        raise DocumentProblem(
            f"законного представителя «{guardian_id}» у ученика {student.full_name} нет"
        )
    period = None
    if period_id:
        period = snapshot.period_by_id.get(period_id)
        if period is None:
            raise DocumentProblem(f"периода «{period_id}» нет в учебном году")
        start, end = period.start, period.end
    if start is None or end is None:
        raise DocumentProblem("укажите период (--period) или даты (--from и --to)")
    if start > end:
        raise DocumentProblem("дата начала позже даты окончания")
    end = min(end, max(snapshot.as_of, start))
    school_class = snapshot.class_by_id[student.class_id]
    subjects = class_subjects(snapshot, school_class.id)
    periods = [
        p
        for p in snapshot.year.periods
        if (p.start <= end and p.end >= start and p.end <= snapshot.as_of)
        or (period is not None and p == period)
    ]
    marks: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    for mark in snapshot.marks_of_student.get(student.id, ()):
        lesson = snapshot.lesson_by_id.get(mark.lesson_id)
        if lesson and start <= lesson.date <= end:
            marks[lesson.subject_id].append((lesson.date, mark.value))
    absences: Counter[str] = Counter()
    per_subject_absent: Counter[str] = Counter()
    days: dict[dt.date, list[str]] = defaultdict(list)
    for record in snapshot.attendance_of_student.get(student.id, ()):
        lesson = snapshot.lesson_by_id.get(record.lesson_id)
        if not lesson or not start <= lesson.date <= end:
            continue
        absences[record.code] += 1
        if record.code in ABSENCE_CODES:
            per_subject_absent[lesson.subject_id] += 1
            days[lesson.date].append(record.code)
    rows = []
    for subject in subjects:
        values = sorted(marks.get(subject.id, ()))
        numeric = [int(v) for _, v in values if v.isdigit()]
        rows.append(
            StatementSubject(
                subject=subject.name,
                marks=tuple((d.strftime("%d.%m"), v) for d, v in values),
                average=f"{sum(numeric) / len(numeric):.2f}".replace(".", ",") if numeric else "—",
                period_marks=tuple(
                    snapshot.period_mark_index.get((student.id, subject.id, p.id), "")
                    for p in periods
                ),
                absences=per_subject_absent[subject.id],
            )
        )
    absence_days = tuple(
        f"{d.strftime('%d.%m')} ({', '.join(sorted(set(codes)))}, {len(codes)} ур.)"
        for d, codes in sorted(days.items())
    )
    params = {
        "student": student.id,
        "period": period.id if period else None,
        "from": None if period else start.isoformat(),
        "to": None if period else end.isoformat(),
    }
    if guardian is not None:
        params["guardian"] = guardian.id
    return StatementData(
        meta=make_meta(
            snapshot,
            KIND.id,
            KIND.title,
            params,
            class_id=school_class.id,
            period=period,
            period_name="" if period else f"{ru_date(start)} — {ru_date(end)}",
            signatures=KIND.signers,
        ),
        student_id=student.id,
        student=student.full_name,
        class_name=school_class.name,
        start=start,
        end=end,
        period_columns=tuple(p.name for p in periods),
        subjects=tuple(rows),
        absences_total=sum(absences[c] for c in ABSENCE_CODES),
        absences_ill=absences[AttendanceCode.ILL],
        absences_excused=absences[AttendanceCode.EXCUSED],
        late=absences[AttendanceCode.LATE],
        absence_days=absence_days,
        guardian=guardian.full_name if guardian else "",
        guardian_sex=guardian_sex(guardian) if guardian else "",
    )


def guardian_sex(guardian: Guardian) -> str:
    """«M» or «F»: from the relation («мать»), else the patronymic, else the name."""
    from service.russian.names import sex_of

    return str(sex_of(guardian))


def paper_students(snapshot: Snapshot, class_id: str) -> tuple[Student, ...]:
    """Students of a class with at least one guardian who asked for paper statements."""
    result = []
    for student in snapshot.students_of_class.get(class_id, ()):
        if student.left_on and student.left_on < snapshot.as_of:
            continue
        guardians = [snapshot.guardian_by_id.get(g) for g in student.guardian_ids]
        if any(g is not None and g.delivery == Delivery.PAPER for g in guardians):
            result.append(student)
    return tuple(result)


def render_paper_batch(
    snapshot: Snapshot,
    class_id: str,
    period_id: str | None,
    date_from: str | None,
    date_to: str | None,
    output: Path | str,
    families: Sequence[tuple[str, str | None]] | None = None,
) -> PrintPack:
    """Statements of every paper-delivery family of a class as one print-ready PDF.

    ``families`` lists (student id, guardian id or ``None``) in print order; by default every
    student of :func:`paper_students`, addressed to no one in particular. The caller that knows
    about refusals recorded in the catalog (``service.orders.paper``) passes its own list.
    """
    # Imported here: WeasyPrint and pypdf are slow to import and only rendering needs them.
    from service.documents.printpack import merge_for_duplex
    from service.documents.render import render_document

    school_class = get_class(snapshot, class_id)
    if families is None:
        families = [(s.id, None) for s in paper_students(snapshot, school_class.id)]
    if not families:
        raise DocumentProblem(
            f"в классе {school_class.name} нет семей, выбравших выписки на бумаге"
        )
    start, end = parse_date(date_from, "from"), parse_date(date_to, "to")
    with tempfile.TemporaryDirectory(prefix="vedomost-batch-") as tmp:
        paths = []
        for i, (student_id, guardian_id) in enumerate(families):
            data = build_parent_statement(snapshot, student_id, period_id, start, end, guardian_id)
            paths.append(render_document(data, KIND.template, Path(tmp) / f"{i:04d}.pdf").path)
        return merge_for_duplex(paths, Path(output))


def _build(snapshot: Snapshot, p: Params, policy: SchoolPolicy) -> StatementData:
    return build_parent_statement(
        snapshot,
        p.get("student"),
        p.get("period"),
        parse_date(p.get("from"), "from"),
        parse_date(p.get("to"), "to"),
        p.get("guardian"),
    )


KIND = Kind(
    id="parent-statement",
    title="Выписка из электронного журнала",
    label="Выписка для родителей",
    required=("student",),
    optional=("period", "from", "to", "guardian"),
    signers=("class_teacher",),
    template="parent-statement.html",
    build=_build,
)
