"""Assemble a :class:`Snapshot` from parsed grid sheets: ids, people, lessons, marks, periods."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from service.journal.adapters.gridcells import (
    CellError,
    PeriodRef,
    default_period_dates,
    fold,
    guess_sex,
    id_of,
    parse_date,
    period_ref_from_id,
    split_fio,
    stable_id,
    unknown_director,
)
from service.journal.adapters.gridheader import Header
from service.journal.adapters.gridsheet import GridRow, MarksSheet, TopicsSheet
from service.journal.adapters.report import WarningCollector
from service.journal.errors import ProblemCollector
from service.journal.snapshot import (
    AcademicYear,
    Assignment,
    Attendance,
    Group,
    Lesson,
    Mark,
    Period,
    PeriodKind,
    PeriodMark,
    School,
    SchoolClass,
    Snapshot,
    StaffMember,
    Student,
    Subject,
    WorkType,
)

SOURCE = "Таблицы электронного журнала (XLSX/CSV)"
_KIND_ORDER = {PeriodKind.QUARTER: 0, PeriodKind.TRIMESTER: 1, PeriodKind.HALF: 2}

Stream = tuple[str, str, str | None]  # (class id, subject id, group id)


@dataclass
class _LessonDraft:
    date: dt.date
    ordinal: int
    teacher_id: str
    where: str  # sheet title, for conflicts
    number: int | None = None
    topic: str = ""
    homework: str = ""
    work_type: WorkType = WorkType.CLASS


@dataclass
class _Builder:
    problems: ProblemCollector
    warnings: WarningCollector
    staff: dict[str, StaffMember] = field(default_factory=dict)
    students: dict[str, Student] = field(default_factory=dict)
    subjects: dict[str, Subject] = field(default_factory=dict)
    classes: dict[str, dict[str, str | None]] = field(default_factory=dict)
    groups: dict[tuple[str, str], tuple[str, set[str]]] = field(default_factory=dict)
    lessons: dict[Stream, dict[tuple[dt.date, int], _LessonDraft]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    hours: dict[Stream, float] = field(default_factory=dict)
    teacher_of: dict[Stream, str] = field(default_factory=dict)
    period_specs: dict[PeriodRef, tuple[dt.date, dt.date, str]] = field(default_factory=dict)
    period_refs: set[PeriodRef] = field(default_factory=set)

    def person(self, header: Header, key: str, position: str) -> str | None:
        text = header.get(key)
        if not text:
            return None
        try:
            last, first, middle = split_fio(text)
        except CellError as exc:
            self.problems.add(header.where.file, header.at(key), "", str(exc))
            return None
        staff_id = stable_id("staff", last, first, middle)
        if staff_id not in self.staff or (position == "директор"):
            self.staff[staff_id] = StaffMember(last, first, middle, id=staff_id, position=position)
        return staff_id

    def stream(self, header: Header) -> Stream:
        subject_name = header.get("subject")
        subject_id = stable_id("subj", subject_name)
        self.subjects.setdefault(subject_id, Subject(subject_id, subject_name))
        klass = self.classes.setdefault(header.class_id, {"teacher": None})
        class_teacher = self.person(header, "class_teacher", "учитель")
        if class_teacher:
            klass["teacher"] = class_teacher
        group_id = None
        if header.get("group"):
            group_id = stable_id("grp", header.class_id, header.get("group"))
            self.groups.setdefault((header.class_id, group_id), (header.get("group"), set()))
        return header.class_id, subject_id, group_id

    def note_periods(self, header: Header) -> None:
        for spec in header.periods:
            self.period_refs.add(spec.ref)
            if spec.start is None or spec.end is None:
                continue
            known = self.period_specs.get(spec.ref)
            if known and (known[0], known[1]) != (spec.start, spec.end):
                self.problems.add(
                    header.where.file,
                    header.at("period"),
                    "",
                    f"даты периода «{spec.ref.name}» расходятся с указанными в «{known[2]}»",
                )
                continue
            self.period_specs[spec.ref] = (spec.start, spec.end, header.where.title)

    def student(
        self, class_id: str, fio: str, enrolled: dt.date | None, left: dt.date | None
    ) -> str:
        last, first, middle = split_fio(fio)
        student_id = stable_id("st", class_id, last, first, middle)
        known = self.students.get(student_id)
        if known is None:
            self.students[student_id] = Student(
                last,
                first,
                middle,
                id=student_id,
                sex=guess_sex(last, first, middle),
                class_id=class_id,
                enrolled_on=enrolled,
                left_on=left,
            )
        elif (enrolled and not known.enrolled_on) or (left and not known.left_on):
            self.students[student_id] = Student(
                known.last_name,
                known.first_name,
                known.middle_name,
                id=student_id,
                sex=known.sex,
                class_id=class_id,
                enrolled_on=known.enrolled_on or enrolled,
                left_on=known.left_on or left,
            )
        return student_id

    def add_hours(self, header: Header, stream: Stream) -> None:
        text = header.get("hours")
        if not text:
            return
        try:
            self.hours[stream] = float(text.replace(",", "."))
        except ValueError:
            self.problems.add(
                header.where.file, header.at("hours"), "", f"«Часов в неделю»: «{text}» не число"
            )


def _lesson_id(stream: Stream, day: dt.date, ordinal: int) -> str:
    return stable_id("les", stream[0], stream[1], stream[2] or "", day.isoformat(), str(ordinal))


def _estimate_hours(drafts: list[_LessonDraft]) -> float:
    weeks = {d.date.isocalendar()[:2] for d in drafts}
    if not weeks:
        return 0.0
    return max(0.5, round(len(drafts) / len(weeks) * 2) / 2)


def build_snapshot(
    marks_sheets: list[MarksSheet],
    topic_sheets: list[TopicsSheet],
    problems: ProblemCollector,
    warnings: WarningCollector,
) -> Snapshot | None:
    """The snapshot of all sheets of one import; None (problems added) when inconsistent."""
    headers = [s.header for s in marks_sheets] + [s.header for s in topic_sheets]
    if not marks_sheets:
        problems.add(
            headers[0].where.file if headers else "",
            "",
            "",
            "не найдено ни одной таблицы отметок (со столбцом «ФИО обучающегося»)",
        )
        return None
    first = marks_sheets[0].header
    for header in headers:
        if header.start_year != first.start_year:
            problems.add(
                header.where.file,
                header.at("year"),
                "",
                f"учебный год отличается от указанного в «{first.where.title}»",
            )
    school_names = [h.get("school") for h in headers if h.get("school")]
    if not school_names:
        problems.add(first.where.file, first.where.at(1), "", "в шапке не указано «Школа»")
        return None
    for header in headers:
        if header.get("school") and fold(header.get("school")) != fold(school_names[0]):
            problems.add(
                header.where.file,
                header.at("school"),
                "",
                f"указана другая школа, чем в «{first.where.title}»",
            )
    if problems:
        return None
    start_year = first.start_year
    b = _Builder(problems, warnings)
    director_id = next((d for h in headers if (d := b.person(h, "director", "директор"))), "")
    if not director_id:
        director = unknown_director()
        b.staff[director.id] = director
        director_id = director.id
        warnings.add(
            first.where.file,
            "",
            "",
            "директор не указан ни в одной шапке (строка "
            "«Директор:») — в документах будет «Директор (не указан)»",
        )
    marks: list[Mark] = []
    attendance: list[Attendance] = []
    period_marks: dict[tuple[str, str, str], tuple[str, str]] = {}
    cells_of: dict[Stream, list[tuple[GridRow, str, MarksSheet]]] = defaultdict(list)
    for sheet in marks_sheets:
        header = sheet.header
        b.note_periods(header)
        stream = b.stream(header)
        b.add_hours(header, stream)
        teacher_id = b.person(header, "teacher", "учитель") or ""
        b.teacher_of.setdefault(stream, teacher_id)
        drafts = b.lessons[stream]
        for lesson in sheet.lessons:
            key = (lesson.date, lesson.ordinal)
            if key in drafts:
                problems.add(
                    header.where.file,
                    header.where.at(1),
                    f"столбец «{lesson.label}»",
                    f"урок {lesson.date:%d.%m.%Y} уже есть в «{drafts[key].where}»",
                )
                continue
            drafts[key] = _LessonDraft(lesson.date, lesson.ordinal, teacher_id, header.where.title)
        for row in sheet.rows:
            student_id = b.student(header.class_id, row.fio, row.enrolled_on, row.left_on)
            if stream[2] is not None:
                b.groups[(header.class_id, stream[2])][1].add(student_id)
            cells_of[stream].append((row, student_id, sheet))
            for period_id, value, label in row.period_marks:
                if (ref := period_ref_from_id(period_id)) is not None:
                    b.period_refs.add(ref)
                key3 = (student_id, stream[1], period_id)
                known = period_marks.get(key3)
                if known and known[0] != value:
                    problems.add(
                        header.where.file,
                        header.where.at(row.row),
                        f"столбец «{label}»",
                        f"отметка за период «{value}» расходится с «{known[0]}» в «{known[1]}»",
                    )
                period_marks[key3] = (value, header.where.title)
    for topics in topic_sheets:
        header = topics.header
        b.note_periods(header)
        stream = b.stream(header)
        teacher_id = b.person(header, "teacher", "учитель") or b.teacher_of.get(stream, "")
        b.teacher_of.setdefault(stream, teacher_id)
        drafts = b.lessons[stream]
        ordinal: dict[dt.date, int] = defaultdict(int)
        for topic in topics.rows:
            ordinal[topic.date] += 1
            day_key = (topic.date, ordinal[topic.date])
            found = drafts.get(day_key)
            if found is None:
                found = drafts[day_key] = _LessonDraft(
                    topic.date, day_key[1], teacher_id, header.where.title
                )
            found.number, found.topic, found.homework = topic.number, topic.topic, topic.homework
            found.work_type = topic.work_type
    for stream in b.lessons:
        if not b.teacher_of.get(stream):
            class_id, subject_id, _ = stream
            problems.add(
                "", "", "", f"для {class_id}, «{b.subjects[subject_id].name}» не указан учитель"
            )
    if problems:
        return None

    lessons: list[Lesson] = []
    lesson_ids: dict[Stream, dict[tuple[dt.date, int], str]] = {}
    work_of: dict[str, WorkType] = {}
    for stream, drafts in b.lessons.items():
        ids: dict[tuple[dt.date, int], str] = {}
        for day_key, draft in sorted(drafts.items()):
            lesson_id = _lesson_id(stream, draft.date, draft.ordinal)
            ids[day_key] = lesson_id
            work_of[lesson_id] = draft.work_type
            lessons.append(
                Lesson(
                    id=lesson_id,
                    date=draft.date,
                    number=draft.number or draft.ordinal,
                    class_id=stream[0],
                    subject_id=stream[1],
                    teacher_id=draft.teacher_id or b.teacher_of[stream],
                    group_id=stream[2],
                    topic=draft.topic,
                    homework=draft.homework,
                    work_type=draft.work_type,
                )
            )
        lesson_ids[stream] = ids
    for stream, entries in cells_of.items():
        for row, student_id, sheet in entries:
            for lesson_index, cell in row.cells:
                lesson = sheet.lessons[lesson_index]
                lesson_id = lesson_ids[stream][(lesson.date, lesson.ordinal)]
                for n, value in enumerate(cell.marks, start=1):
                    marks.append(
                        Mark(
                            id_of("mark", lesson_id, student_id, str(n)),
                            lesson_id,
                            student_id,
                            value,
                            work_of[lesson_id],
                        )
                    )
                if cell.code is not None:
                    attendance.append(Attendance(lesson_id, student_id, cell.code))

    periods = _periods(b, start_year, warnings, first)
    if problems:
        return None
    dates = [lesson.date for lesson in lessons]
    year_start = min([dt.date(start_year, 9, 1), *(p.start for p in periods), *dates])
    year_end = max([dt.date(start_year + 1, 5, 31), *(p.end for p in periods), *dates])
    as_of = _as_of(headers, start_year, dates, year_start)
    school_name = school_names[0]
    address = next((h.get("address") for h in headers if h.get("address")), "")
    school = School(
        id=stable_id("school", school_name),
        full_name=school_name,
        short_name=school_name,
        address=address,
        place="",
        director_id=director_id,
    )
    classes = []
    for class_id, info in sorted(b.classes.items()):
        groups = tuple(
            Group(gid, name, tuple(sorted(members)))
            for (cid, gid), (name, members) in sorted(b.groups.items())
            if cid == class_id
        )
        grade, letter = int(class_id[:-1]), class_id[-1]
        classes.append(SchoolClass(class_id, grade, letter, info["teacher"], groups))
    assignments = []
    for stream, drafts in sorted(
        b.lessons.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
    ):
        hours = b.hours.get(stream) or _estimate_hours(list(drafts.values()))
        assignments.append(
            Assignment(
                stable_id("asg", stream[0], stream[1], stream[2] or ""),
                stream[0],
                stream[1],
                b.teacher_of[stream],
                hours,
                stream[2],
            )
        )
    return Snapshot(
        school=school,
        year=AcademicYear(f"{start_year}/{start_year + 1}", year_start, year_end, periods),
        as_of=as_of,
        staff=tuple(sorted(b.staff.values(), key=lambda s: s.id)),
        classes=tuple(classes),
        students=tuple(sorted(b.students.values(), key=lambda s: s.id)),
        guardians=(),
        subjects=tuple(sorted(b.subjects.values(), key=lambda s: s.id)),
        assignments=tuple(assignments),
        lessons=tuple(lessons),
        marks=tuple(marks),
        attendance=tuple(attendance),
        period_marks=tuple(
            PeriodMark(s, subj, p, v) for (s, subj, p), (v, _) in sorted(period_marks.items())
        ),
        source=SOURCE,
    )


def _periods(
    b: _Builder, start_year: int, warnings: WarningCollector, first: Header
) -> tuple[Period, ...]:
    refs = set(b.period_refs)  # from headers and from period-mark columns («1 четв.» → Q1)
    if not refs:
        refs = {PeriodRef(PeriodKind.QUARTER, n) for n in range(1, 5)}
        warnings.add(
            first.where.file,
            first.at("period"),
            "",
            "периоды учебного года не указаны — приняты четыре четверти с обычными границами",
        )
    kinds = {r.kind for r in refs}
    if len(kinds) > 1:
        b.problems.add(
            first.where.file,
            "",
            "",
            "в выгрузке смешаны виды учебных периодов ("
            + ", ".join(sorted(k.value for k in kinds))
            + "); импортируйте классы с "
            "четвертями и с полугодиями отдельно",
        )
        return ()
    periods = []
    for ref in sorted(refs, key=lambda r: (_KIND_ORDER[r.kind], r.number)):
        if ref in b.period_specs:
            start, end, _ = b.period_specs[ref]
        else:
            start, end = default_period_dates(ref, start_year)
            if b.period_refs:
                warnings.add(
                    first.where.file,
                    "",
                    "",
                    f"даты периода «{ref.name}» не указаны — приняты обычные границы "
                    f"{start:%d.%m.%Y}–{end:%d.%m.%Y}",
                )
        periods.append(Period(ref.id, ref.name, ref.kind, start, end))
    return tuple(periods)


def _as_of(
    headers: list[Header], start_year: int, dates: list[dt.date], year_start: dt.date
) -> dt.date:
    exported = []
    for header in headers:
        if header.get("exported"):
            try:
                exported.append(parse_date(header.get("exported").split()[0], start_year))
            except CellError:
                continue
    if exported:
        return max(exported)
    return max(dates) if dates else year_start
