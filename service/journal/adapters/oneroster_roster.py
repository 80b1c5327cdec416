"""Map the rostering part of a OneRoster package: school, year and periods, people, classes."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from service.journal.adapters.gridcells import (
    CellError,
    PeriodRef,
    fold,
    guess_sex,
    parse_period_ref,
    stable_id,
)
from service.journal.adapters.gridheader import parse_class_name
from service.journal.adapters.oneroster_csv import BadDate, Package, Row, parse_date
from service.journal.adapters.report import WarningCollector
from service.journal.errors import ProblemCollector
from service.journal.snapshot import (
    AcademicYear,
    Group,
    Guardian,
    Period,
    PeriodKind,
    School,
    SchoolClass,
    Sex,
    StaffMember,
    Student,
    Subject,
)

STUDENT_ROLES = {"student"}
TEACHER_ROLES = {"teacher", "aide", "proctor"}
DIRECTOR_ROLES = {"principal"}
ADMIN_ROLES = {"administrator", "siteadministrator", "districtadministrator", "systemadministrator"}
GUARDIAN_ROLES = {"parent": "родитель", "guardian": "опекун", "relative": "родственник"}
_CLASS_PREFIX = re.compile(r"^\s*(\d{1,2})\s*[-–]?\s*[\"«]?([А-ЯЁа-яё])(?![а-яё])")
_GRADE_SUFFIX = re.compile(
    r"[,\s(]*(\d{1,2}(\s*-?[йх])?\s*(класс\w*|кл\.?)?|(класс\w*|кл\.?)\s*\d{1,2})\)?\s*$",
    re.IGNORECASE,
)
_ENGLISH_KINDS = (
    ("quarter", PeriodKind.QUARTER),
    ("semester", PeriodKind.HALF),
    ("half", PeriodKind.HALF),
    ("trimester", PeriodKind.TRIMESTER),
)
_KIND_BY_COUNT = {4: PeriodKind.QUARTER, 3: PeriodKind.TRIMESTER, 2: PeriodKind.HALF}


@dataclass(frozen=True, slots=True)
class Stream:
    """A scheduled class as Vedomost sees it: class, subject, group and teacher."""

    class_id: str
    subject_id: str
    group_id: str | None
    teacher_id: str | None
    title: str


@dataclass
class Roster:
    school: School
    year: AcademicYear
    period_of_session: dict[str, str]
    year_session_ids: set[str]
    staff: dict[str, StaffMember] = field(default_factory=dict)
    students: dict[str, Student] = field(default_factory=dict)
    guardians: dict[str, Guardian] = field(default_factory=dict)
    subjects: dict[str, Subject] = field(default_factory=dict)
    classes: dict[str, SchoolClass] = field(default_factory=dict)
    streams: dict[str, Stream] = field(default_factory=dict)


def _date(
    row: Row, column: str, problems: ProblemCollector, required: bool = True
) -> dt.date | None:
    text = row.get(column)
    if not text and not required:
        return None
    try:
        return parse_date(text)
    except BadDate as exc:
        problems.add(row.file, row.where(), column, str(exc))
        return None


def _school(pkg: Package, problems: ProblemCollector, warnings: WarningCollector) -> School | None:
    orgs = pkg.rows("orgs")
    schools = [o for o in orgs if fold(o.get("type")) == "school"]
    if not schools and len(orgs) == 1:
        schools = orgs
        warnings.add(
            orgs[0].file,
            orgs[0].where(),
            "type",
            f"тип организации «{orgs[0].get('type')}» — принята за школу",
        )
    if len(schools) > 1:
        used = {c.get("schoolSourcedId") for c in pkg.rows("classes")} & {s.id for s in schools}
        schools = [s for s in schools if s.id in used] if len(used) == 1 else schools
    if len(schools) != 1:
        problems.add(
            pkg.names["orgs"],
            "",
            "type",
            "в выгрузке нет школы (type=school)"
            if not schools
            else f"в выгрузке {len(schools)} школ; импортируйте их по одной",
        )
        return None
    org = schools[0]
    name = org.get("name")
    return School(
        id=org.id,
        full_name=name,
        short_name=name,
        address="",
        place="",
        director_id="",
        inn=org.get("identifier") if org.get("identifier").isdigit() else "",
    )


def _period_kind(rows: list[Row], warnings: WarningCollector) -> list[tuple[Row, PeriodRef]]:
    refs = [parse_period_ref(r.get("title")) for r in rows]
    if rows and all(refs):
        return [(r, ref) for r, ref in zip(rows, refs, strict=True) if ref]
    kinds = {k for r in rows for word, k in _ENGLISH_KINDS if word in fold(r.get("title"))}
    kind = kinds.pop() if len(kinds) == 1 else _KIND_BY_COUNT.get(len(rows))
    if kind is None:
        kind = PeriodKind.QUARTER
        if rows:
            warnings.add(
                rows[0].file,
                "",
                "type",
                f"вид учебных периодов не определён ({len(rows)} шт.) — приняты четверти",
            )
    out = []
    for n, row in enumerate(rows, start=1):
        limit = {PeriodKind.QUARTER: 4, PeriodKind.TRIMESTER: 3, PeriodKind.HALF: 2}[kind]
        if n > limit:
            warnings.add(
                row.file,
                row.where(),
                "title",
                f"период «{row.get('title')}» лишний для вида «{kind}» — не используется",
            )
            continue
        out.append((row, PeriodRef(kind, n)))
    return out


def _year(
    pkg: Package, problems: ProblemCollector, warnings: WarningCollector
) -> tuple[AcademicYear, dict[str, str], set[str]] | None:
    sessions = pkg.rows("academicsessions")
    dated: list[tuple[Row, dt.date, dt.date]] = []
    for row in sessions:
        start, end = _date(row, "startDate", problems), _date(row, "endDate", problems)
        if start and end:
            if end < start:
                problems.add(row.file, row.where(), "endDate", "дата окончания раньше даты начала")
                continue
            dated.append((row, start, end))
    years = [d for d in dated if fold(d[0].get("type")) == "schoolyear"]
    if len(years) > 1:
        years.sort(key=lambda d: d[1])
        warnings.add(
            years[-1][0].file,
            years[-1][0].where(),
            "type",
            f"в выгрузке {len(years)} учебных года — импортируется последний",
        )
        years = years[-1:]
    graded = [d for d in dated if fold(d[0].get("type")) == "gradingperiod"]
    terms = [d for d in dated if fold(d[0].get("type")) in ("term", "semester")]
    if years:
        _, y_start, y_end = years[0]

        def inside(d: tuple[Row, dt.date, dt.date]) -> bool:
            return y_start - dt.timedelta(days=7) <= d[1] and d[2] <= y_end + dt.timedelta(days=7)

        graded, terms = [d for d in graded if inside(d)], [d for d in terms if inside(d)]
    chosen = sorted(graded or terms, key=lambda d: d[1])
    if not years:
        if not chosen:
            problems.add(
                pkg.names["academicsessions"],
                "",
                "type",
                "нет ни учебного года (schoolYear), ни учебных периодов",
            )
            return None
        y_start, y_end = chosen[0][1], chosen[-1][2]
        warnings.add(
            pkg.names["academicsessions"],
            "",
            "type",
            "учебный год (schoolYear) не указан — границы взяты по учебным периодам",
        )
        year_ids: set[str] = set()
    else:
        year_ids = {years[0][0].id}
    start_year = y_start.year if y_start.month >= 7 else y_start.year - 1
    periods: list[Period] = []
    period_of: dict[str, str] = {}
    for row, ref in _period_kind([d[0] for d in chosen], warnings):
        start, end = next((d[1], d[2]) for d in chosen if d[0] is row)
        periods.append(Period(ref.id, ref.name, ref.kind, start, end))
        period_of[row.id] = ref.id
    if not periods:
        warnings.add(
            pkg.names["academicsessions"],
            "",
            "type",
            "учебные периоды (gradingPeriod/term) не найдены — отметки за периоды не читаются",
        )
    if len({p.kind for p in periods}) > 1:
        problems.add(
            pkg.names["academicsessions"],
            "",
            "title",
            "в выгрузке смешаны виды учебных периодов (четверти, полугодия, триместры); "
            "импортируйте классы с разными периодами отдельно",
        )
        return None
    # a period a few days outside the schoolYear session widens the year rather than failing
    y_start = min([y_start, *(p.start for p in periods)])
    y_end = max([y_end, *(p.end for p in periods)])
    year = AcademicYear(f"{start_year}/{start_year + 1}", y_start, y_end, tuple(periods))
    return year, period_of, year_ids


def subject_name(title: str) -> str:
    """«Математика, 5 класс» → «Математика»; «Алгебра 7» → «Алгебра»."""
    stripped = _GRADE_SUFFIX.sub("", title).strip(" ,.-")
    return stripped or title.strip()


def _roles(pkg: Package) -> dict[str, set[str]]:
    roles: dict[str, set[str]] = defaultdict(set)
    for row in pkg.rows("roles"):
        roles[row.get("userSourcedId")].add(fold(row.get("role")).replace(" ", ""))
    for row in pkg.rows("users"):
        if row.get("role"):  # OneRoster 1.1 kept the role on the user
            roles[row.id].add(fold(row.get("role")).replace(" ", ""))
    for row in pkg.rows("enrollments"):
        roles[row.get("userSourcedId")].add(fold(row.get("role")).replace(" ", ""))
    return roles


def _class_of_title(title: str) -> tuple[int, str] | None:
    match = _CLASS_PREFIX.match(title)
    if match:
        return int(match.group(1)), match.group(2).upper()
    try:
        return parse_class_name(title)
    except CellError:
        return None


def build_roster(
    pkg: Package, problems: ProblemCollector, warnings: WarningCollector
) -> Roster | None:
    """School, year, periods, people, classes and streams of the package; None on errors."""
    school = _school(pkg, problems, warnings)
    year_info = _year(pkg, problems, warnings)
    if school is None or year_info is None:
        return None
    year, period_of, year_ids = year_info
    roster = Roster(school, year, period_of, year_ids)
    roles = _roles(pkg)
    users = {u.id: u for u in pkg.rows("users")}
    demographics = {d.id: d for d in pkg.rows("demographics")}
    for user in users.values():
        r = roles.get(user.id, set())
        last, first, middle = user.get("familyName"), user.get("givenName"), user.get("middleName")
        if r & STUDENT_ROLES:
            continue  # students need their class first
        if r & (TEACHER_ROLES | DIRECTOR_ROLES | ADMIN_ROLES):
            position = (
                "директор"
                if r & DIRECTOR_ROLES
                else "учитель"
                if r & TEACHER_ROLES
                else "администратор"
            )
            roster.staff[user.id] = StaffMember(last, first, middle, id=user.id, position=position)
            if r & DIRECTOR_ROLES:
                roster.school = _with_director(roster.school, user.id)
        elif guardian_role := next((GUARDIAN_ROLES[x] for x in r if x in GUARDIAN_ROLES), None):
            roster.guardians[user.id] = Guardian(
                last,
                first,
                middle,
                id=user.id,
                relation=guardian_role,
                phone=user.get("phone") or user.get("sms"),
                email=user.get("email"),
            )
        else:
            warnings.add(
                user.file,
                user.where(),
                "role",
                f"пользователь «{user.id}» без известной роли не импортирован",
            )
    courses = {c.id: c for c in pkg.rows("courses")}
    enrollments_of: dict[str, list[Row]] = defaultdict(list)
    for row in pkg.rows("enrollments"):
        enrollments_of[row.get("classSourcedId")].append(row)
        if row.get("userSourcedId") not in users:
            problems.add(
                row.file,
                row.where(),
                "userSourcedId",
                f"пользователь «{row.get('userSourcedId')}» не найден в users.csv",
            )
    homerooms: dict[str, tuple[Row, str]] = {}
    scheduled: list[Row] = []
    for row in pkg.rows("classes"):
        if fold(row.get("classType")) == "homeroom":
            grade_letter = _class_of_title(row.get("title")) or _class_of_title(
                row.get("classCode")
            )
            if grade_letter is None:
                problems.add(
                    row.file,
                    row.where(),
                    "title",
                    f"класс «{row.get('title')}»: не удаётся определить параллель и литеру",
                )
                continue
            class_id = f"{grade_letter[0]}{grade_letter[1]}"
            homerooms[row.id] = (row, class_id)
            teacher = _primary(enrollments_of[row.id], TEACHER_ROLES, roster.staff)
            roster.classes[class_id] = SchoolClass(
                class_id, grade_letter[0], grade_letter[1], teacher
            )
        else:
            scheduled.append(row)
    for class_key in enrollments_of:
        if class_key not in {r.id for r in pkg.rows("classes")}:
            row = enrollments_of[class_key][0]
            problems.add(
                row.file,
                row.where(),
                "classSourcedId",
                f"класс «{class_key}» не найден в classes.csv",
            )
    if problems:
        return None
    _students(
        pkg,
        roster,
        users,
        roles,
        demographics,
        homerooms,
        enrollments_of,
        scheduled,
        problems,
        warnings,
    )
    _streams(roster, scheduled, courses, homerooms, enrollments_of, problems, warnings)

    def agents(user_id: str) -> list[str]:
        return [a.strip() for a in users[user_id].get("agentSourcedIds").split(",") if a.strip()]

    children: dict[str, list[str]] = defaultdict(list)  # guardians that list the student
    for guardian_id in roster.guardians:
        for child in agents(guardian_id):
            children[child].append(guardian_id)
    for student_id, student in list(roster.students.items()):
        linked = [a for a in agents(student_id) if a in roster.guardians]
        linked += [g for g in children.get(student_id, []) if g not in linked]
        if linked:
            roster.students[student_id] = replace(student, guardian_ids=tuple(linked))
    return None if problems else roster


def _with_director(school: School, director_id: str) -> School:
    return School(
        school.id,
        school.full_name,
        school.short_name,
        school.address,
        school.place,
        director_id,
        school.inn,
        school.ogrn,
        school.phone,
        school.email,
    )


def _primary(rows: list[Row], roles: set[str], known: dict[str, StaffMember]) -> str | None:
    candidates = [
        r for r in rows if fold(r.get("role")) in roles and r.get("userSourcedId") in known
    ]
    candidates.sort(key=lambda r: fold(r.get("primary")) != "true")
    return candidates[0].get("userSourcedId") if candidates else None


def _sort_date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except BadDate:
        return dt.date.min


def _students(
    pkg: Package,
    roster: Roster,
    users: dict[str, Row],
    roles: dict[str, set[str]],
    demographics: dict[str, Row],
    homerooms: dict[str, tuple[Row, str]],
    enrollments_of: dict[str, list[Row]],
    scheduled: list[Row],
    problems: ProblemCollector,
    warnings: WarningCollector,
) -> None:
    home_of: dict[str, list[tuple[Row, str]]] = defaultdict(list)
    for class_key, (_, class_id) in homerooms.items():
        for row in enrollments_of[class_key]:
            if fold(row.get("role")) in STUDENT_ROLES:
                home_of[row.get("userSourcedId")].append((row, class_id))
    for user_id, user in users.items():
        if not roles.get(user_id, set()) & STUDENT_ROLES:
            continue
        entries = home_of.get(user_id, [])
        if not entries:
            guess = Counter(
                _class_of_title(c.get("title"))
                for c in scheduled
                for e in enrollments_of[c.id]
                if e.get("userSourcedId") == user_id
            )
            guess.pop(None, None)
            if not guess:
                warnings.add(
                    user.file,
                    user.where(),
                    "sourcedId",
                    f"обучающийся «{user_id}» не зачислен ни в один класс — не импортирован",
                )
                continue
            best = guess.most_common(1)[0][0]
            assert best is not None  # None was popped above
            grade, letter = best
            class_id = f"{grade}{letter}"
            roster.classes.setdefault(class_id, SchoolClass(class_id, grade, letter, None))
            begin = end = None
        else:
            entries.sort(key=lambda e: _sort_date(e[0].get("beginDate")))
            row, class_id = entries[-1]
            begin = _date(row, "beginDate", problems, required=False)
            end = _date(entries[-1][0], "endDate", problems, required=False)
        year = roster.year
        enrolled_on = begin if begin and year.start < begin <= year.end else None
        left_on = end if end and year.start <= end < year.end else None
        demo = demographics.get(user_id)
        last, first, middle = user.get("familyName"), user.get("givenName"), user.get("middleName")
        sex = guess_sex(last, first, middle)
        birth = None
        if demo is not None:
            sex = {"male": Sex.MALE, "female": Sex.FEMALE}.get(fold(demo.get("sex")), sex)
            birth = _date(demo, "birthDate", problems, required=False)
        roster.students[user_id] = Student(
            last,
            first,
            middle,
            id=user_id,
            birth_date=birth,
            sex=sex,
            class_id=class_id,
            enrolled_on=enrolled_on,
            left_on=left_on,
        )


def _streams(
    roster: Roster,
    scheduled: list[Row],
    courses: dict[str, Row],
    homerooms: dict[str, tuple[Row, str]],
    enrollments_of: dict[str, list[Row]],
    problems: ProblemCollector,
    warnings: WarningCollector,
) -> None:
    by_key: dict[tuple[str, str], list[tuple[Row, set[str]]]] = defaultdict(list)
    for row in scheduled:
        course = courses.get(row.get("courseSourcedId"))
        if course is not None:
            name = subject_name(course.get("title"))
        elif row.get("subjects"):
            name = row.get("subjects").split(",")[0].strip()
        else:
            name = subject_name(_CLASS_PREFIX.sub("", row.get("title")))
        if row.get("courseSourcedId") and course is None and courses:
            problems.add(
                row.file,
                row.where(),
                "courseSourcedId",
                f"курс «{row.get('courseSourcedId')}» не найден в courses.csv",
            )
            continue
        if not name:
            where, column = (course, "title") if course is not None else (row, "title")
            problems.add(where.file, where.where(), column, "не указано название предмета (курса)")
            continue
        subject_id = stable_id("subj", name)
        roster.subjects.setdefault(subject_id, Subject(subject_id, name))
        members = {
            e.get("userSourcedId")
            for e in enrollments_of[row.id]
            if e.get("userSourcedId") in roster.students
        }
        grade_letter = _class_of_title(row.get("title"))
        class_id = f"{grade_letter[0]}{grade_letter[1]}" if grade_letter else None
        if class_id not in roster.classes:
            votes = Counter(roster.students[m].class_id for m in members)
            class_id = votes.most_common(1)[0][0] if votes else None
        if class_id is None:
            warnings.add(
                row.file,
                row.where(),
                "title",
                f"класс «{row.get('title')}»: не удаётся связать с классом школы — пропущен",
            )
            continue
        by_key[(class_id, subject_id)].append((row, members))
    for (class_id, subject_id), rows in by_key.items():
        grouped = len(rows) > 1
        klass = roster.classes[class_id]
        groups = list(klass.groups)
        for n, (row, members) in enumerate(sorted(rows, key=lambda r: r[0].get("title")), start=1):
            group_id = None
            if grouped:
                group_id = stable_id("grp", class_id, row.id)
                title = row.get("title")
                subject = roster.subjects[subject_id].name
                rest = (
                    title.split(subject, 1)[1].strip(" ,.-()")
                    if subject and subject in title
                    else ""
                )
                groups.append(Group(group_id, rest or f"{n} группа", tuple(sorted(members))))
            teacher = _primary(enrollments_of[row.id], TEACHER_ROLES, roster.staff)
            roster.streams[row.id] = Stream(
                class_id, subject_id, group_id, teacher, row.get("title")
            )
        if grouped:
            roster.classes[class_id] = _replace_class(klass, tuple(groups))


def _replace_class(klass: SchoolClass, groups: tuple[Group, ...]) -> SchoolClass:
    return SchoolClass(klass.id, klass.grade, klass.letter, klass.teacher_id, groups)
