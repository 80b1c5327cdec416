"""Control reports (внутришкольный контроль): accumulation, timeliness, attendance, movement,
data quality."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from service.documents.common import (
    ABSENCE_CODES,
    MONTHS_NOMINATIVE,
    DocumentProblem,
    class_students,
    class_subjects,
    enrolled_on,
    get_class,
    get_period,
    grading,
    make_meta,
    month_bounds,
    ordered_classes,
    ordered_subjects,
    parse_month,
    percent,
    ru_date,
)
from service.documents.kind import PERIOD_END, Kind, Params, PlannedFile
from service.documents.meta import DocumentMeta
from service.journal.grading import Grading
from service.journal.quality import check_quality
from service.journal.snapshot import (
    AttendanceCode,
    MovementKind,
    Period,
    SchoolClass,
    Snapshot,
    WorkType,
)
from service.policy import SchoolPolicy
from service.policy_text import deadline_wording, hours_of_day
from service.russian import by_sex, ru_number, ru_percent

REPORTS = {
    "accumulation": "Справка о накопляемости отметок",
    "timeliness": "Справка о своевременности заполнения электронного журнала",
    "attendance": "Справка о посещаемости за месяц",
    "movement": "Справка о движении обучающихся",
    "quality": "Справка о качестве данных журнала",
}
MOVEMENT_LABELS = {
    MovementKind.ARRIVAL: "прибыл",
    MovementKind.LEAVING: "выбыл",
    MovementKind.TRANSFER: "переведён",
}

# The JSON form of these classes is embedded in every PDF: add fields, do not rename them.


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
    late_written: int  # written works marked after the policy's days
    late_tests: int  # tests marked after the policy's days
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
class QualityRow:
    problem: str  # Russian
    class_name: str
    subject: str
    count: int
    examples: tuple[str, ...]


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
    scope: str  # Russian: «5А класс, за 1 четверть», «все классы, за октябрь 2024 г.»
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
    not_checked: tuple[str, ...] = ()  # Russian: classes and subjects left out, and why
    quality: tuple[QualityRow, ...] = ()


def _subject_name(snapshot: Snapshot, subject_id: str) -> str:
    subject = snapshot.subject_by_id.get(subject_id)
    return subject.name if subject else subject_id


def build_control_report(
    snapshot: Snapshot,
    report: str | None,
    class_id: str | None = None,
    period_id: str | None = None,
    month: str | None = None,
    *,
    policy: SchoolPolicy,
) -> ControlData:
    """One control report; ``class_id`` narrows it to a class (else the whole school).

    Deadlines and accumulation thresholds are the ``policy``'s; the report prints them.
    """
    if report not in REPORTS:
        raise DocumentProblem("укажите вид справки: --report " + "|".join(REPORTS))
    school_class = get_class(snapshot, class_id) if class_id else None
    class_ids = [school_class.id] if school_class else [c.id for c in ordered_classes(snapshot)]
    period = None
    if report == "attendance" and not month:
        month = snapshot.as_of.strftime("%Y-%m")
    if month and (report == "attendance" or not period_id):
        # Filling and accumulation are checked monthly as well as each period.
        start, end = month_bounds(*parse_month(month))
        period_name = f"{MONTHS_NOMINATIVE[start.month - 1]} {start.year} г."
    elif period_id:
        period = get_period(snapshot, period_id)
        start, end, period_name = period.start, period.end, period.name
    elif report in ("movement", "quality"):
        start, end, period_name = (
            snapshot.year.start,
            snapshot.year.end,
            f"{snapshot.year.id} учебный год",
        )
    else:
        raise DocumentProblem("не указан период (--period или --month ГГГГ-ММ)")
    end_seen = min(end, snapshot.as_of)
    scope = f"{f'{school_class.name} класс' if school_class else 'все классы'}, за {period_name}"
    params = {
        "report": report,
        "class": class_id,
        "period": period.id if period else None,
        "month": month if period is None else None,
    }
    meta = make_meta(
        snapshot,
        KIND.id,
        REPORTS[report],
        params,
        class_id=class_id or "",
        period=period,
        period_name=period_name,
        signatures=KIND.signers,
        dated=end,
    )
    head = ControlData(
        meta=meta,
        report=report,
        report_title=REPORTS[report],
        scope=scope,
        start=start,
        end=end,
    )
    if report == "accumulation":
        rules = grading(snapshot, policy)
        rows = accumulation(snapshot, class_ids, start, end_seen, policy)
        not_checked = _not_checked(snapshot, class_ids, rules)
        findings = [
            f"Всего предметов (групп): {len(rows)}; с недостаточной накопляемостью: "
            f"{sum(1 for r in rows if r.below)}.",
            f"Обучающихся без отметок (по предметам): {sum(r.without_marks for r in rows)}.",
        ]
        settings: tuple[tuple[str, str], ...] = (
            ("Минимум отметок при 1 ч в неделю", str(policy.accumulation.min_marks_one_hour)),
            ("Минимум отметок при 2 ч и более", str(policy.accumulation.min_marks_more_hours)),
        )
        return replace(
            head,
            accumulation=tuple(rows),
            findings=tuple(findings),
            settings=settings,
            not_checked=not_checked,
        )
    if report == "timeliness":
        rows_t, cases = timeliness(snapshot, class_ids, start, end_seen, policy)
        late = sum(r.late_marks + r.late_written + r.late_tests + r.late_homework for r in rows_t)
        findings = [
            f"Проверено уроков: {sum(r.lessons for r in rows_t)}, отметок: "
            f"{sum(r.marks for r in rows_t)}; нарушений сроков: {late}."
        ]
        wording = deadline_wording(policy.deadlines)
        settings = (
            ("Отметки за урок", wording.marks),
            ("Письменные работы", wording.written),
            ("Контрольные работы", wording.tests),
            ("Домашнее задание", wording.homework),
        )
        return replace(
            head,
            timeliness=tuple(rows_t),
            timeliness_cases=tuple(cases),
            findings=tuple(findings),
            settings=settings,
        )
    if report == "attendance":
        rows_a = attendance(snapshot, class_ids, start, end_seen)
        missed = sum(r.missed for r in rows_a)
        lessons = sum(r.lessons for r in rows_a)
        findings = [
            f"Пропущено уроков: {missed} из {lessons} ({ru_percent(percent(missed, lessons))}), "
            f"из них по болезни: {sum(r.ill for r in rows_a)}; "
            f"опозданий: {sum(r.late for r in rows_a)}."
        ]
        return replace(head, attendance=tuple(rows_a), findings=tuple(findings))
    if report == "quality":
        return _quality(snapshot, head, class_ids, policy)
    rows_m, counts = movement(snapshot, class_ids, start, end_seen)
    findings = [
        f"Прибыло: {sum(c.arrived for c in counts)}, выбыло: {sum(c.left for c in counts)}."
    ]
    return replace(
        head, movements=tuple(rows_m), class_counts=tuple(counts), findings=tuple(findings)
    )


def accumulation(
    snapshot: Snapshot, class_ids: list[str], start: dt.date, end: dt.date, policy: SchoolPolicy
) -> list[AccumulationRow]:
    """Marks per student per class-subject(-group) against the required number.

    Classes learning without marks and subjects graded «зачёт/незачёт» are left out.
    """
    rules = grading(snapshot, policy)
    rank = {s.id: i for i, s in enumerate(ordered_subjects(snapshot))}
    rows = []
    for assignment in sorted(
        (
            a
            for a in snapshot.assignments
            if a.class_id in class_ids and rules.is_marked(a.class_id, a.subject_id)
        ),
        key=lambda a: (class_ids.index(a.class_id), rank.get(a.subject_id, 0), a.group_id or ""),
    ):
        school_class = snapshot.class_by_id[assignment.class_id]
        group = next((g for g in school_class.groups if g.id == assignment.group_id), None)
        students = class_students(snapshot, school_class.id, start, end)
        if group is not None:
            students = tuple(s for s in students if s.id in set(group.student_ids))
        counts: Counter[str] = Counter()
        for lesson in snapshot.lessons_of_class_subject.get(
            (school_class.id, assignment.subject_id), ()
        ):
            if start <= lesson.date <= end and lesson.group_id == assignment.group_id:
                for mark in snapshot.marks_of_lesson.get(lesson.id, ()):
                    counts[mark.student_id] += 1
        need = policy.accumulation.required_marks(assignment.hours_per_week)
        below = [s for s in students if 0 < counts[s.id] < need]
        without = [s for s in students if counts[s.id] == 0]
        teacher = snapshot.staff_by_id.get(assignment.teacher_id)
        rows.append(
            AccumulationRow(
                class_name=school_class.name,
                subject=_subject_name(snapshot, assignment.subject_id),
                group=group.name if group else "",
                teacher=teacher.short_name if teacher else "",
                hours_per_week=assignment.hours_per_week,
                required=need,
                students=len(students),
                below=len(below) + len(without),
                without_marks=len(without),
                below_names=tuple(
                    f"{s.last_name} {s.first_name[:1]}. ({counts[s.id]})" for s in below
                ),
                without_names=tuple(f"{s.last_name} {s.first_name[:1]}." for s in without),
            )
        )
    return rows


def timeliness(
    snapshot: Snapshot, class_ids: list[str], start: dt.date, end: dt.date, policy: SchoolPolicy
) -> tuple[list[TimelinessRow], list[TimelinessCase]]:
    """Late marks and late homework per teacher, and every late case."""
    zone = policy.zone
    rules = policy.deadlines
    wanted = set(class_ids)
    per_teacher: dict[str, Counter[str]] = defaultdict(Counter)
    cases: list[TimelinessCase] = []
    last_lesson = _last_lessons(snapshot, wanted, start, end)
    for lesson in snapshot.lessons:
        if lesson.class_id not in wanted or not start <= lesson.date <= end:
            continue
        teacher_id = lesson.substitute_id or lesson.teacher_id
        counter = per_teacher[teacher_id]
        counter["lessons"] += 1
        teacher = snapshot.staff_by_id.get(teacher_id)
        who = teacher.short_name if teacher else teacher_id
        subject = (
            snapshot.subject_by_id[lesson.subject_id].name
            if lesson.subject_id in snapshot.subject_by_id
            else lesson.subject_id
        )
        class_name = snapshot.class_by_id[lesson.class_id].name
        if not lesson.topic:
            counter["missing_topics"] += 1
        if lesson.homework and lesson.homework_entered_at is not None:
            # Counted from this class's own last lesson of the day, by its grade's allowance.
            grade = snapshot.class_by_id[lesson.class_id].grade
            deadline = dt.datetime.combine(
                lesson.date,
                rules.lesson_end(last_lesson[lesson.class_id, lesson.date]),
                tzinfo=zone,
            ) + dt.timedelta(hours=rules.homework_hours(grade))
            if lesson.homework_entered_at > deadline:
                counter["late_homework"] += 1
                hours = (lesson.homework_entered_at - deadline).total_seconds() / 3600
                cases.append(
                    TimelinessCase(
                        lesson.date,
                        class_name,
                        subject,
                        who,
                        "домашнее задание внесено с опозданием",
                        f"{ru_number(round(hours, 1))} ч",
                    )
                )
        for mark in snapshot.marks_of_lesson.get(lesson.id, ()):
            counter["marks"] += 1
            if mark.entered_at is None:
                continue
            entered = mark.entered_at.astimezone(zone)
            delay = (entered.date() - lesson.date).days
            if mark.work_type in (WorkType.WRITTEN, WorkType.TEST):
                written = mark.work_type == WorkType.WRITTEN
                allowed = rules.written_work_days if written else rules.test_days
                if delay > allowed:
                    counter["late_written" if written else "late_tests"] += 1
                    what = (
                        "письменная работа проверена позже срока"
                        if written
                        else "контрольная работа проверена позже срока"
                    )
                    cases.append(
                        TimelinessCase(lesson.date, class_name, subject, who, what, f"{delay} дн.")
                    )
                continue
            # «до 16.00 часов каждого дня»; a lesson ending later leaves until its own end.
            until = max(rules.marks_until, rules.lesson_end(lesson.number))
            deadline = dt.datetime.combine(lesson.date, until, tzinfo=zone)
            if entered > deadline:
                counter["late_marks"] += 1
                hours = (entered - deadline).total_seconds() / 3600
                late_by = f"{delay} дн." if delay > 0 else f"{ru_number(round(hours, 1))} ч"
                cases.append(
                    TimelinessCase(
                        lesson.date,
                        class_name,
                        subject,
                        who,
                        f"отметка выставлена позже {hours_of_day(rules.marks_until)} дня урока",
                        late_by,
                    )
                )
    rows = []
    for teacher_id, c in sorted(
        per_teacher.items(),
        key=lambda kv: (
            snapshot.staff_by_id[kv[0]].short_name if kv[0] in snapshot.staff_by_id else kv[0]
        ),
    ):
        teacher = snapshot.staff_by_id.get(teacher_id)
        rows.append(
            TimelinessRow(
                teacher.short_name if teacher else teacher_id,
                c["lessons"],
                c["marks"],
                c["late_marks"],
                c["late_written"],
                c["late_tests"],
                c["late_homework"],
                c["missing_topics"],
            )
        )
    cases.sort(key=lambda x: (x.date, x.class_name, x.subject))
    return rows, cases


def _last_lessons(
    snapshot: Snapshot, class_ids: set[str], start: dt.date, end: dt.date
) -> dict[tuple[str, dt.date], int]:
    """The number of each class's last lesson of each day (its own timetable, not the school's)."""
    last: dict[tuple[str, dt.date], int] = {}
    for lesson in snapshot.lessons:
        if lesson.class_id in class_ids and start <= lesson.date <= end:
            key = (lesson.class_id, lesson.date)
            last[key] = max(last.get(key, 0), lesson.number)
    return last


def attendance(
    snapshot: Snapshot, class_ids: list[str], start: dt.date, end: dt.date
) -> list[AttendanceRow]:
    """Lessons missed per student in a date range, by code."""
    rows = []
    number = 0
    for class_id in class_ids:
        students = class_students(snapshot, class_id, start, end)
        lessons_of: Counter[str] = Counter()
        lessons = [x for x in snapshot.lessons if x.class_id == class_id and start <= x.date <= end]
        school_class = snapshot.class_by_id[class_id]
        members = {g.id: set(g.student_ids) for g in school_class.groups}
        for student in students:
            lessons_of[student.id] = sum(
                1
                for x in lessons
                if (x.group_id is None or student.id in members.get(x.group_id, ()))
                and enrolled_on(student, x.date)
            )
        lesson_ids = {x.id for x in lessons}
        for student in students:
            codes = Counter(
                r.code
                for r in snapshot.attendance_of_student.get(student.id, ())
                if r.lesson_id in lesson_ids
            )
            number += 1
            missed = sum(codes[c] for c in ABSENCE_CODES)
            rows.append(
                AttendanceRow(
                    number=number,
                    student_id=student.id,
                    name=student.short_name,
                    class_name=school_class.name,
                    lessons=lessons_of[student.id],
                    absent=codes[AttendanceCode.ABSENT],
                    ill=codes[AttendanceCode.ILL],
                    excused=codes[AttendanceCode.EXCUSED],
                    late=codes[AttendanceCode.LATE],
                    missed=missed,
                    percent_missed=percent(missed, lessons_of[student.id]),
                )
            )
    return rows


def movement(
    snapshot: Snapshot, class_ids: list[str], start: dt.date, end: dt.date
) -> tuple[list[MovementRow], list[ClassCount]]:
    """Movements in a date range and the head count per class at its start and end."""
    wanted = set(class_ids)
    rows = []
    arrived: Counter[str] = Counter()
    left: Counter[str] = Counter()
    for m in sorted(snapshot.movements, key=lambda m: (m.date, m.id)):
        if not start <= m.date <= end or not ({m.from_class_id, m.to_class_id} & wanted):
            continue
        student = snapshot.student_by_id.get(m.student_id)
        if m.to_class_id:
            arrived[m.to_class_id] += 1
        if m.from_class_id:
            left[m.from_class_id] += 1
        order = f"№ {m.order_number}" + (f" от {ru_date(m.order_date)}" if m.order_date else "")
        rows.append(
            MovementRow(
                date=m.date,
                student_id=m.student_id,
                name=student.short_name if student else m.student_id,
                kind=by_sex(MOVEMENT_LABELS.get(m.kind, str(m.kind)), student),
                from_class=snapshot.class_by_id[m.from_class_id].name
                if m.from_class_id in snapshot.class_by_id
                else "",
                to_class=snapshot.class_by_id[m.to_class_id].name
                if m.to_class_id in snapshot.class_by_id
                else "",
                counterpart=m.counterpart,
                order=order,
                reason=m.reason,
            )
        )
    counts = []
    for class_id in class_ids:
        at_end = sum(1 for s in snapshot.students_of_class.get(class_id, ()) if enrolled_on(s, end))
        counts.append(
            ClassCount(
                class_name=snapshot.class_by_id[class_id].name,
                at_start=at_end - arrived[class_id] + left[class_id],
                arrived=arrived[class_id],
                left=left[class_id],
                at_end=at_end,
            )
        )
    return rows, counts


def _plan(
    snapshot: Snapshot, period: Period, school_class: SchoolClass | None
) -> list[PlannedFile]:
    """Accumulation and timeliness for each class; the movement report for the whole school."""
    if school_class is None:
        return [
            PlannedFile(
                (("report", "movement"), ("period", period.id)),
                "control-movement.pdf",
                REPORTS["movement"],
            )
        ]
    base = (("class", school_class.id), ("period", period.id))
    return [
        PlannedFile((*base, ("report", report)), f"control-{report}.pdf", REPORTS[report])
        for report in ("accumulation", "timeliness")
    ]


REPORT_POLICY = {
    "accumulation": ("accumulation", "grading"),
    "timeliness": ("deadlines", "time_zone"),
    "quality": ("grading",),
}
"""The policy sections each report reads (part of its content key)."""


def _build(snapshot: Snapshot, p: Params, policy: SchoolPolicy) -> ControlData:
    return build_control_report(
        snapshot, p.get("report"), p.get("class"), p.get("period"), p.get("month"), policy=policy
    )


KIND = Kind(
    id="control-report",
    title="Справка внутришкольного контроля",
    label="Справка внутришкольного контроля",
    required=("report",),
    optional=("class", "period", "month"),
    signers=("director",),
    template="control-report.html",
    build=_build,
    sets=(PERIOD_END,),
    plan=_plan,
    choices=(("report", tuple(REPORTS)),),
    policy=lambda data: REPORT_POLICY.get(data.report, ()),
)


def _not_checked(snapshot: Snapshot, class_ids: list[str], rules: Grading) -> tuple[str, ...]:
    """Classes and subjects the accumulation check leaves out, and why (Russian)."""
    lines = []
    for class_id in class_ids:
        school_class = snapshot.class_by_id[class_id]
        if rules.is_unmarked(class_id):
            lines.append(f"{school_class.name} — безотметочное обучение")
            continue
        pass_fail = [
            s.name for s in class_subjects(snapshot, class_id) if rules.is_pass_fail(class_id, s.id)
        ]
        if pass_fail:
            lines.append(f"{school_class.name}: {', '.join(pass_fail)} — «зачёт/незачёт»")
    return tuple(lines)


def _quality(
    snapshot: Snapshot, head: ControlData, class_ids: list[str], policy: SchoolPolicy
) -> ControlData:
    """The data-quality findings of the journal, for the classes asked."""
    wanted = set(class_ids)
    findings = [
        f
        for f in check_quality(
            snapshot, policy.grading.unmarked_grades, policy.grading.pass_fail_subjects
        )
        if f.class_id in wanted
    ]
    rows = tuple(QualityRow(f.label, f.class_id, f.subject, f.count, f.examples) for f in findings)
    totals: Counter[str] = Counter()
    for f in findings:
        totals[f.label] += f.count
    summary = [f"{label}: {count}." for label, count in totals.items()] or [
        "Замечаний к данным журнала нет."
    ]
    return replace(head, quality=rows, findings=tuple(summary))
