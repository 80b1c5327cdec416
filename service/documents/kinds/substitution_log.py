"""Monthly substitution log (журнал учёта пропущенных и замещённых уроков) and payroll check."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from service.documents.common import (
    MONTHS_NOMINATIVE,
    make_meta,
    month_bounds,
    parse_month,
)
from service.documents.kind import Kind, Params
from service.documents.meta import DocumentMeta
from service.documents.payroll import PayrollLine, read_payroll
from service.journal.snapshot import Snapshot
from service.policy import SchoolPolicy
from service.russian import ru_number

TOLERANCE = 0.01

# The JSON form of these classes is embedded in every PDF: add fields, do not rename them.


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


def build_substitution_log(
    snapshot: Snapshot,
    month: str | None,
    payroll: tuple[PayrollLine, ...] | None = None,
    payroll_source: str = "",
) -> SubstitutionData:
    """Substitutions of a month, totals per teacher and every difference from the payroll."""
    year, month_number = parse_month(month)
    start, end = month_bounds(year, month_number)
    staff = snapshot.staff_by_id

    def name(staff_id: str) -> str:
        member = staff.get(staff_id)
        return member.short_name if member else staff_id

    items = sorted(
        (s for s in snapshot.substitutions if start <= s.date <= end),
        key=lambda s: (s.date, s.lesson_number, s.class_id, s.id),
    )
    rows = tuple(
        SubstitutionRow(
            number=i,
            date=s.date,
            lesson_number=s.lesson_number,
            class_name=snapshot.class_by_id[s.class_id].name
            if s.class_id in snapshot.class_by_id
            else s.class_id,
            subject=snapshot.subject_by_id[s.subject_id].name
            if s.subject_id in snapshot.subject_by_id
            else s.subject_id,
            absent_teacher=name(s.absent_teacher_id),
            reason=s.reason,
            substitute=name(s.substitute_id),
            hours=s.hours,
            paid=s.paid,
        )
        for i, s in enumerate(items, start=1)
    )
    given: dict[str, float] = defaultdict(float)
    paid: dict[str, float] = defaultdict(float)
    missed: dict[str, float] = defaultdict(float)
    for s in items:
        given[s.substitute_id] += s.hours
        if s.paid:
            paid[s.substitute_id] += s.hours
        missed[s.absent_teacher_id] += s.hours
    teacher_ids = sorted(set(given) | set(missed), key=name)
    totals = tuple(
        TeacherTotal(t, name(t), round(given[t], 2), round(paid[t], 2), round(missed[t], 2))
        for t in teacher_ids
    )
    key = f"{year:04d}-{month_number:02d}"
    differences: list[PayrollDifference] = []
    if payroll is not None:
        differences = reconcile(snapshot, paid, [p for p in payroll if p.month == key])
    params = {"month": key}
    return SubstitutionData(
        meta=make_meta(
            snapshot,
            KIND.id,
            KIND.title,
            params,
            period_name=f"{MONTHS_NOMINATIVE[month_number - 1]} {year} г.",
            signatures=KIND.signers,
            dated=end,
        ),
        month=key,
        month_name=f"{MONTHS_NOMINATIVE[month_number - 1]} {year} г.",
        rows=rows,
        totals=totals,
        total_hours=round(sum(given.values()), 2),
        total_paid_hours=round(sum(paid.values()), 2),
        payroll_checked=payroll is not None,
        payroll_source=payroll_source,
        matches_payroll=payroll is not None and not differences,
        differences=tuple(differences),
    )


def reconcile(
    snapshot: Snapshot, paid: dict[str, float], lines: list[PayrollLine]
) -> list[PayrollDifference]:
    """Every teacher whose paid substitution hours differ between the log and the payroll."""
    by_name = {m.full_name.lower(): m.id for m in snapshot.staff}
    by_short = {m.short_name.lower(): m.id for m in snapshot.staff}
    payroll_hours: dict[str, float] = defaultdict(float)
    unknown: list[PayrollLine] = []
    for line in lines:
        staff_id = (
            line.teacher_id
            if line.teacher_id in snapshot.staff_by_id
            else (by_name.get(line.teacher.lower()) or by_short.get(line.teacher.lower()))
        )
        if staff_id is None:
            unknown.append(line)
        else:
            payroll_hours[staff_id] += line.hours
    differences = []
    for staff_id in sorted(
        {k for k, v in paid.items() if v} | set(payroll_hours),
        key=lambda i: snapshot.staff_by_id[i].short_name if i in snapshot.staff_by_id else i,
    ):
        member = snapshot.staff_by_id.get(staff_id)
        who = member.short_name if member else staff_id
        log_hours = round(paid.get(staff_id, 0.0), 2)
        if staff_id not in payroll_hours:
            differences.append(
                PayrollDifference(staff_id, who, log_hours, None, "в табеле нет оплаты замещения")
            )
        elif abs(payroll_hours[staff_id] - log_hours) > TOLERANCE:
            pay = round(payroll_hours[staff_id], 2)
            problem = (
                "в журнале нет оплачиваемых замещений"
                if log_hours == 0
                else f"расхождение {'+' if pay > log_hours else '−'}"
                f"{ru_number(round(abs(pay - log_hours), 2))} ч"
            )
            differences.append(PayrollDifference(staff_id, who, log_hours, pay, problem))
    for line in unknown:
        differences.append(
            PayrollDifference(
                line.teacher_id,
                line.teacher or line.teacher_id,
                0.0,
                line.hours,
                f"строка {line.line} табеля: учителя нет в журнале",
            )
        )
    return differences


def _build(snapshot: Snapshot, p: Params, policy: SchoolPolicy) -> SubstitutionData:
    payroll_path = p.get("payroll")
    payroll = read_payroll(Path(payroll_path)) if payroll_path else None
    source = Path(payroll_path).name if payroll_path else ""
    return build_substitution_log(snapshot, p.get("month"), payroll, source)


KIND = Kind(
    id="substitution-log",
    title="Журнал учёта пропущенных и замещённых уроков",
    label="Журнал замещённых уроков",
    required=("month",),
    optional=("payroll",),
    signers=("director",),
    template="substitution-log.html",
    build=_build,
)
