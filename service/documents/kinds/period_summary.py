"""Period summary sheet (сводная ведомость успеваемости за период) of one class."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from service.documents.common import (
    ABSENCE_CODES,
    class_students,
    class_subjects,
    get_class,
    get_period,
    grading,
    make_meta,
    percent,
)
from service.documents.kind import PERIOD_END, Kind, Params, PlannedFile
from service.documents.meta import DocumentMeta
from service.documents.stats import MarkStats, mark_stats
from service.journal.snapshot import (
    FAIL,
    NOT_ATTESTED,
    PASS,
    AttendanceCode,
    Period,
    SchoolClass,
    Snapshot,
)
from service.policy import SchoolPolicy

# The JSON form of these classes is embedded in every PDF: add fields, do not rename them.


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
    unmarked: bool = False  # the class learns without marks: no mark statistics
    pass_fail: tuple[bool, ...] = ()  # per subject: graded «зачёт/незачёт», not by marks
    passed: tuple[int, ...] = ()  # per subject: «зач»
    failed: tuple[int, ...] = ()  # per subject: «незач»


def build_summary(
    snapshot: Snapshot,
    class_id: str | None,
    period_id: str | None,
    policy: SchoolPolicy | None = None,
) -> SummaryData:
    """Students × subjects period marks, absences and per-subject statistics.

    Mark statistics leave out a class learning without marks and pass/fail subjects (those
    show the number of «зач» and «незач» instead).
    """
    school_class = get_class(snapshot, class_id)
    period = get_period(snapshot, period_id)
    subjects = class_subjects(snapshot, school_class.id)
    rules = grading(snapshot, policy)
    unmarked = rules.is_unmarked(school_class.id)
    pass_fail = tuple(rules.is_pass_fail(school_class.id, s.id) for s in subjects)
    students = class_students(snapshot, school_class.id, period.start, period.end)
    index = snapshot.period_mark_index
    rows = []
    for number, student in enumerate(students, start=1):
        marks = tuple(index.get((student.id, s.id, period.id), "") for s in subjects)
        codes: Counter[str] = Counter()
        for record in snapshot.attendance_of_student.get(student.id, ()):
            lesson = snapshot.lesson_by_id.get(record.lesson_id)
            if lesson and period.start <= lesson.date <= period.end:
                codes[record.code] += 1
        rows.append(
            SummaryRow(
                number=number,
                student_id=student.id,
                name=student.short_name,
                marks=marks,
                absences=sum(codes[c] for c in ABSENCE_CODES),
                absences_ill=codes[AttendanceCode.ILL],
            )
        )
    stats = tuple(
        mark_stats(() if unmarked or pass_fail[i] else (row.marks[i] for row in rows))
        for i in range(len(subjects))
    )
    excellent = good = one_three = failing = 0
    graded = 0
    for row in rows:
        if unmarked:
            break
        values = [
            m
            for i, m in enumerate(row.marks)
            if m in ("5", "4", "3", "2", "1", NOT_ATTESTED) and not pass_fail[i]
        ]
        if any(m == FAIL for m in row.marks):
            values.append(FAIL)
        if not values:
            continue
        graded += 1
        if any(m in ("2", "1", NOT_ATTESTED, FAIL) for m in values):
            failing += 1
        elif all(m == "5" for m in values):
            excellent += 1
        elif all(m in ("5", "4") for m in values):
            good += 1
        elif sum(1 for m in values if m == "3") == 1:
            one_three += 1
    params = {"class": school_class.id, "period": period.id}
    return SummaryData(
        meta=make_meta(
            snapshot,
            KIND.id,
            KIND.title,
            params,
            class_id=school_class.id,
            period=period,
            signatures=KIND.signers,
        ),
        subjects=tuple(s.short_name or s.name for s in subjects),
        subject_ids=tuple(s.id for s in subjects),
        rows=tuple(rows),
        stats=stats,
        students_total=len(rows),
        excellent=excellent,
        good=good,
        with_one_three=one_three,
        failing=failing,
        class_progress=percent(graded - failing, graded),
        class_quality=percent(excellent + good, graded),
        unmarked=unmarked,
        pass_fail=pass_fail,
        passed=tuple(sum(1 for r in rows if r.marks[i] == PASS) for i in range(len(subjects))),
        failed=tuple(sum(1 for r in rows if r.marks[i] == FAIL) for i in range(len(subjects))),
    )


def _plan(
    snapshot: Snapshot, period: Period, school_class: SchoolClass | None
) -> list[PlannedFile]:
    if school_class is None:
        return []
    params = (("class", school_class.id), ("period", period.id))
    return [PlannedFile(params, f"{KIND.id}.pdf")]


def _build(snapshot: Snapshot, p: Params, policy: SchoolPolicy) -> SummaryData:
    return build_summary(snapshot, p.get("class"), p.get("period"), policy)


KIND = Kind(
    id="period-summary",
    title="Сводная ведомость успеваемости",
    label="Сводная ведомость за период",
    required=("class", "period"),
    optional=(),
    signers=("class_teacher", "director"),
    template="period-summary.html",
    build=_build,
    sets=(PERIOD_END,),
    plan=_plan,
    policy=("grading",),
)
