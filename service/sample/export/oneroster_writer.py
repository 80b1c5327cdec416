"""Write a snapshot as a OneRoster 1.2 CSV package (folder or zip), as a gradebook system exports
it.

Lessons become lineItems (topic → title, homework → description, work type → category), marks and
attendance codes become results (score 1–5; attendance as ``textScore`` Н/Б/У/О), period marks
become results of one «Отметка за период» lineItem per class-subject and period. See
``docs/oneroster-mapping.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from service.journal.snapshot import (
    EXAM,
    EXEMPT,
    FINAL,
    MARK_VALUES,
    WORK_TYPE_LABELS,
    YEAR,
    Lesson,
    Person,
    Snapshot,
    WorkType,
)

VERSION = "1.2"
StreamKey = tuple[str, str, str | None]  # class id, subject id, group id
_STAMP = "2025-06-01T08:00:00.000Z"
_PERIOD_CATEGORY = "cat-period"
_SPECIAL_TITLES = {
    YEAR: "Годовая отметка",
    EXAM: "Экзаменационная отметка",
    FINAL: "Итоговая отметка",
}
_FILES = (
    "academicSessions",
    "categories",
    "classResources",
    "classes",
    "courseResources",
    "courses",
    "demographics",
    "enrollments",
    "lineItemLearningObjectiveIds",
    "lineItems",
    "lineItemScoreScales",
    "orgs",
    "resources",
    "resultLearningObjectiveIds",
    "results",
    "resultScoreScales",
    "roles",
    "scoreScales",
    "userProfiles",
    "userResources",
    "users",
)


def _csv(header: list[str], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def package_files(
    snapshot: Snapshot, class_ids: Iterable[str] | None = None, with_gradebook: bool = True
) -> dict[str, bytes]:
    """File name → bytes of a OneRoster 1.2 bulk package for the given classes (default: all)."""
    wanted = set(class_ids) if class_ids is not None else {c.id for c in snapshot.classes}
    school = snapshot.school
    year_id = f"year-{snapshot.year.id.replace('/', '-')}"
    files: dict[str, bytes] = {}
    files["orgs.csv"] = _csv(
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "name",
            "type",
            "identifier",
            "parentSourcedId",
        ],
        [[school.id, "", _STAMP, school.full_name, "school", school.inn, ""]],
    )
    sessions = [
        [
            year_id,
            "",
            _STAMP,
            f"{snapshot.year.id} учебный год",
            "schoolYear",
            _d(snapshot.year.start),
            _d(snapshot.year.end),
            "",
            str(snapshot.year.end.year),
        ]
    ]
    sessions += [
        [
            p.id,
            "",
            _STAMP,
            p.name,
            "gradingPeriod",
            _d(p.start),
            _d(p.end),
            year_id,
            str(snapshot.year.end.year),
        ]
        for p in snapshot.year.periods
    ]
    files["academicSessions.csv"] = _csv(
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "title",
            "type",
            "startDate",
            "endDate",
            "parentSourcedId",
            "schoolYear",
        ],
        sessions,
    )

    classes = [c for c in snapshot.classes if c.id in wanted]
    students = [s for s in snapshot.students if s.class_id in wanted]
    student_ids = {s.id for s in students}
    lessons = [lesson for lesson in snapshot.lessons if lesson.class_id in wanted]
    streams: dict[StreamKey, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        streams[(lesson.class_id, lesson.subject_id, lesson.group_id)].append(lesson)
    for a in snapshot.assignments:
        if a.class_id in wanted:
            streams.setdefault((a.class_id, a.subject_id, a.group_id), [])
    course_rows, class_rows, enrol_rows = [], [], []
    courses_done: set[str] = set()
    terms = ",".join(p.id for p in snapshot.year.periods)

    def section_id(key: tuple[str, str, str | None]) -> str:
        return f"sec-{key[0]}-{key[1]}" + (f"-{key[2]}" if key[2] else "")

    teacher_of: dict[tuple[str, str, str | None], str] = {}
    for a in snapshot.assignments:
        teacher_of.setdefault((a.class_id, a.subject_id, a.group_id), a.teacher_id)
    for klass in classes:
        course_id = f"crs-homeroom-{klass.grade}"
        if course_id not in courses_done:
            courses_done.add(course_id)
            course_rows.append(
                [
                    course_id,
                    "",
                    _STAMP,
                    year_id,
                    f"Классное руководство, {klass.grade} класс",
                    "",
                    f"{klass.grade:02d}",
                    school.id,
                    "",
                    "",
                ]
            )
        class_rows.append(
            [
                f"hr-{klass.id}",
                "",
                _STAMP,
                klass.name,
                f"{klass.grade:02d}",
                course_id,
                klass.name,
                "homeroom",
                "",
                school.id,
                terms,
                "",
                "",
                "",
            ]
        )
        if klass.teacher_id:
            enrol_rows.append(
                [
                    f"en-hr-{klass.id}-t",
                    "",
                    _STAMP,
                    f"hr-{klass.id}",
                    school.id,
                    klass.teacher_id,
                    "teacher",
                    "true",
                    "",
                    "",
                ]
            )
    for student in students:
        enrol_rows.append(
            [
                f"en-hr-{student.id}",
                "",
                _STAMP,
                f"hr-{student.class_id}",
                school.id,
                student.id,
                "student",
                "false",
                _d(student.enrolled_on),
                _d(student.left_on),
            ]
        )
    for key in sorted(streams, key=lambda k: (k[0], k[1], k[2] or "")):
        class_id, subject_id, group_id = key
        klass = snapshot.class_by_id[class_id]
        subject = snapshot.subject_by_id[subject_id]
        course_id = f"crs-{subject_id}-{klass.grade}"
        if course_id not in courses_done:
            courses_done.add(course_id)
            course_rows.append(
                [
                    course_id,
                    "",
                    _STAMP,
                    year_id,
                    f"{subject.name}, {klass.grade} класс",
                    subject_id,
                    f"{klass.grade:02d}",
                    school.id,
                    subject.name,
                    "",
                ]
            )
        group = next((g for g in klass.groups if g.id == group_id), None)
        title = f"{klass.name} {subject.name}" + (f" ({group.name})" if group else "")
        sid = section_id(key)
        class_rows.append(
            [
                sid,
                "",
                _STAMP,
                title,
                f"{klass.grade:02d}",
                course_id,
                sid,
                "scheduled",
                "",
                school.id,
                terms,
                subject.name,
                "",
                "",
            ]
        )
        members = group.student_ids if group else [s.id for s in students if s.class_id == class_id]
        for m in members:
            if m in student_ids:
                enrol_rows.append(
                    [f"en-{sid}-{m}", "", _STAMP, sid, school.id, m, "student", "false", "", ""]
                )
        teacher = teacher_of.get(key) or (streams[key][0].teacher_id if streams[key] else None)
        if teacher:
            enrol_rows.append(
                [f"en-{sid}-t", "", _STAMP, sid, school.id, teacher, "teacher", "true", "", ""]
            )
    files["courses.csv"] = _csv(
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "schoolYearSourcedId",
            "title",
            "courseCode",
            "grades",
            "orgSourcedId",
            "subjects",
            "subjectCodes",
        ],
        course_rows,
    )
    files["classes.csv"] = _csv(
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "title",
            "grades",
            "courseSourcedId",
            "classCode",
            "classType",
            "location",
            "schoolSourcedId",
            "termSourcedIds",
            "subjects",
            "subjectCodes",
            "periods",
        ],
        class_rows,
    )
    files["enrollments.csv"] = _csv(
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "classSourcedId",
            "schoolSourcedId",
            "userSourcedId",
            "role",
            "primary",
            "beginDate",
            "endDate",
        ],
        enrol_rows,
    )

    guardian_ids = {g for s in students for g in s.guardian_ids}
    staff_ids = {a.teacher_id for a in snapshot.assignments if a.class_id in wanted}
    staff_ids |= {c.teacher_id for c in classes if c.teacher_id} | {
        lesson.teacher_id for lesson in lessons
    }
    staff_ids.add(school.director_id)
    user_rows, role_rows, demo_rows = [], [], []

    def user(
        uid: str, person: Person, role: str, agents: str = "", email: str = "", phone: str = ""
    ) -> None:
        user_rows.append(
            [
                uid,
                "",
                _STAMP,
                "true",
                f"u{uid}",
                "",
                person.first_name,
                person.last_name,
                person.middle_name,
                uid,
                email,
                "",
                phone,
                agents,
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                school.id,
                "",
            ]
        )
        role_rows.append([f"r-{uid}", "", _STAMP, uid, "primary", role, "", "", school.id, ""])

    for staff in snapshot.staff:
        if staff.id in staff_ids:
            user(staff.id, staff, "principal" if staff.id == school.director_id else "teacher")
    for student in students:
        user(student.id, student, "student", ",".join(student.guardian_ids))
        demo_rows.append(
            [
                student.id,
                "",
                _STAMP,
                _d(student.birth_date),
                "male" if student.sex == "M" else "female",
            ]
        )
    for guardian in snapshot.guardians:
        if guardian.id in guardian_ids:
            role = "guardian" if guardian.relation == "опекун" else "parent"
            user(guardian.id, guardian, role, "", guardian.email, guardian.phone)
    files["users.csv"] = _csv(
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "enabledUser",
            "username",
            "userIds",
            "givenName",
            "familyName",
            "middleName",
            "identifier",
            "email",
            "sms",
            "phone",
            "agentSourcedIds",
            "grades",
            "password",
            "userMasterIdentifier",
            "resourceSourcedIds",
            "preferredGivenName",
            "preferredMiddleName",
            "preferredFamilyName",
            "primaryOrgSourcedId",
            "pronouns",
        ],
        user_rows,
    )
    files["roles.csv"] = _csv(
        [
            "sourcedId",
            "status",
            "dateLastModified",
            "userSourcedId",
            "roleType",
            "role",
            "beginDate",
            "endDate",
            "orgSourcedId",
            "userProfileSourcedId",
        ],
        role_rows,
    )
    files["demographics.csv"] = _csv(
        ["sourcedId", "status", "dateLastModified", "birthDate", "sex"], demo_rows
    )
    if with_gradebook:
        files |= _gradebook(snapshot, streams, section_id, student_ids, year_id)
    files["manifest.csv"] = _csv(
        ["propertyName", "value"],
        [
            ["manifest.version", "1.0"],
            ["oneroster.version", VERSION],
            *[[f"file.{name}", "bulk" if f"{name}.csv" in files else "absent"] for name in _FILES],
            ["source.systemName", "Vedomost (демонстрационная выгрузка)"],
            ["source.systemCode", "vedomost"],
        ],
    )
    return files


def _gradebook(
    snapshot: Snapshot,
    streams: dict[StreamKey, list[Lesson]],
    section_id: Callable[[StreamKey], str],
    student_ids: set[str],
    year_id: str,
) -> dict[str, bytes]:
    categories = [[f"cat-{w.value}", "", _STAMP, WORK_TYPE_LABELS[w], ""] for w in WorkType]
    categories.append([_PERIOD_CATEGORY, "", _STAMP, "Отметка за период", ""])
    items, results = [], []
    subjects_of_class: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
    for key, lessons in streams.items():
        sid = section_id(key)
        subjects_of_class[key[0]].add((key[1], key[2]))
        for lesson in lessons:
            period = snapshot.period_of(lesson.date)
            items.append(
                [
                    lesson.id,
                    "",
                    _STAMP,
                    lesson.topic,
                    lesson.homework,
                    f"{lesson.date.isoformat()}T00:00:00.000Z",
                    f"{lesson.date.isoformat()}T23:59:59.000Z",
                    sid,
                    f"cat-{lesson.work_type.value}",
                    period.id if period else year_id,
                    "1",
                    "5",
                    "",
                    "",
                ]
            )
            codes = {a.student_id: a.code for a in snapshot.attendance_of_lesson.get(lesson.id, ())}
            for mark in snapshot.marks_of_lesson.get(lesson.id, ()):
                results.append(
                    [
                        mark.id,
                        "",
                        _STAMP,
                        lesson.id,
                        mark.student_id,
                        "fully graded",
                        mark.value,
                        codes.pop(mark.student_id, ""),
                        lesson.date.isoformat(),
                        "",
                    ]
                )
            for student_id, code in codes.items():
                results.append(
                    [
                        f"att-{lesson.id}-{student_id}",
                        "",
                        _STAMP,
                        lesson.id,
                        student_id,
                        "not submitted",
                        "",
                        code,
                        lesson.date.isoformat(),
                        "",
                    ]
                )
    # period marks: one lineItem per stream and period
    members: dict[tuple[str, str, str | None], set[str]] = {}
    for key in streams:
        klass = snapshot.class_by_id[key[0]]
        group = next((g for g in klass.groups if g.id == key[2]), None)
        members[key] = (
            set(group.student_ids)
            if group
            else {s.id for s in snapshot.students_of_class.get(key[0], ())}
        )
    keys_of: dict[tuple[str, str], list[tuple[str, str, str | None]]] = defaultdict(list)
    for key in streams:
        keys_of[(key[0], key[1])].append(key)
    made: set[str] = set()
    for pm in snapshot.period_marks:
        if pm.student_id not in student_ids:
            continue
        student = snapshot.student_by_id[pm.student_id]
        candidates = keys_of.get((student.class_id, pm.subject_id), [])
        pm_key = next((k for k in candidates if pm.student_id in members[k]), None)
        if pm_key is None:
            continue
        item_id = f"pm-{section_id(pm_key)}-{pm.period_id}"
        if item_id not in made:
            made.add(item_id)
            period = snapshot.period_by_id.get(pm.period_id)
            title = (
                f"Отметка за {period.name}"
                if period
                else _SPECIAL_TITLES.get(pm.period_id, pm.period_id)
            )
            day = (period.end if period else snapshot.year.end).isoformat()
            items.append(
                [
                    item_id,
                    "",
                    _STAMP,
                    title,
                    "",
                    f"{day}T00:00:00.000Z",
                    f"{day}T00:00:00.000Z",
                    section_id(pm_key),
                    _PERIOD_CATEGORY,
                    period.id if period else year_id,
                    "1",
                    "5",
                    "",
                    "",
                ]
            )
        if pm.value == EXEMPT:
            score, text, status = "", "осв", "exempt"
        elif pm.value in MARK_VALUES:
            score, text, status = pm.value, "", "fully graded"
        else:
            score, text, status = "", pm.value, "fully graded"
        results.append(
            [
                f"{item_id}-{pm.student_id}",
                "",
                _STAMP,
                item_id,
                pm.student_id,
                status,
                score,
                text,
                "",
                "",
            ]
        )
    return {
        "categories.csv": _csv(
            ["sourcedId", "status", "dateLastModified", "title", "weight"], categories
        ),
        "lineItems.csv": _csv(
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "title",
                "description",
                "assignDate",
                "dueDate",
                "classSourcedId",
                "categorySourcedId",
                "gradingPeriodSourcedId",
                "resultValueMin",
                "resultValueMax",
                "scoreScaleSourcedId",
                "schoolSourcedId",
            ],
            items,
        ),
        "results.csv": _csv(
            [
                "sourcedId",
                "status",
                "dateLastModified",
                "lineItemSourcedId",
                "studentSourcedId",
                "scoreStatus",
                "score",
                "textScore",
                "scoreDate",
                "comment",
            ],
            results,
        ),
    }


def write_folder(
    snapshot: Snapshot,
    folder: Path,
    class_ids: Iterable[str] | None = None,
    with_gradebook: bool = True,
) -> Path:
    """Write the package's CSV files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in package_files(snapshot, class_ids, with_gradebook).items():
        (folder / name).write_bytes(data)
    return folder


def write_zip(
    snapshot: Snapshot,
    path: Path,
    class_ids: Iterable[str] | None = None,
    with_gradebook: bool = True,
) -> Path:
    """Write the package as one zip archive."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in package_files(snapshot, class_ids, with_gradebook).items():
            archive.writestr(name, data)
    return path
