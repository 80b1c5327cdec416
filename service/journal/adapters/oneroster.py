"""The OneRoster 1.2 CSV adapter: a folder or zip with ``manifest.csv`` → :class:`Snapshot`.

Rostering (orgs, academicSessions, courses, classes, users, roles, enrollments, demographics) gives
the school, year, periods, people and classes; the gradebook (categories, lineItems, results) gives
lessons, marks, attendance and period marks. The mapping is in ``docs/oneroster-mapping.md``; what
cannot be mapped is returned as warnings by :func:`read_with_report`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from service.journal.adapters.gridcells import unknown_director
from service.journal.adapters.inputfiles import Limits, gather
from service.journal.adapters.oneroster_csv import read_package
from service.journal.adapters.oneroster_gradebook import build_gradebook
from service.journal.adapters.oneroster_roster import build_roster
from service.journal.adapters.report import AdapterResult, WarningCollector
from service.journal.errors import ProblemCollector
from service.journal.snapshot import Assignment, PeriodMark, Snapshot

SOURCE = "OneRoster 1.2 CSV"


def _hours(lessons: int, weeks: int) -> float:
    return max(0.5, round(lessons / weeks * 2) / 2) if weeks else 1.0


def read_with_report(path: Path, limits: Limits | None = None) -> AdapterResult:
    """Read a OneRoster package and say what could not be mapped. Raises :class:`InvalidInput`."""
    problems = ProblemCollector()
    warnings = WarningCollector()
    files = gather(path, problems, limits or Limits())
    problems.raise_if_any()
    package = read_package(files, problems, warnings)
    problems.raise_if_any()
    assert package is not None
    roster = build_roster(package, problems, warnings)
    problems.raise_if_any()
    assert roster is not None
    book = build_gradebook(package, roster, problems, warnings)
    problems.raise_if_any()
    if not package.has("lineitems"):
        warnings.add(
            package.names.get("lineitems", "lineItems.csv"),
            "",
            "",
            "файла lineItems.csv нет — уроки и отметки не импортированы (только состав)",
        )
    weeks: dict[str, set[tuple[int, int]]] = {}
    count: dict[str, int] = {}
    stream_of_lesson = {}
    for key, stream in roster.streams.items():
        stream_of_lesson[(stream.class_id, stream.subject_id, stream.group_id)] = key
    for lesson in book.lessons:
        key = stream_of_lesson[(lesson.class_id, lesson.subject_id, lesson.group_id)]
        weeks.setdefault(key, set()).add(lesson.date.isocalendar()[:2])
        count[key] = count.get(key, 0) + 1
    assignments = []
    for key, stream in sorted(roster.streams.items()):
        if stream.teacher_id is None:
            warnings.add(
                package.names["classes"],
                "",
                "",
                f"у класса «{stream.title}» нет учителя — нагрузка не импортирована",
            )
            continue
        assignments.append(
            Assignment(
                key,
                stream.class_id,
                stream.subject_id,
                stream.teacher_id,
                _hours(count.get(key, 0), len(weeks.get(key, ()))),
                stream.group_id,
            )
        )
    dates = [lesson.date for lesson in book.lessons]
    if not roster.school.director_id:
        director = unknown_director()
        roster.staff[director.id] = director
        roster.school = replace(roster.school, director_id=director.id)
        warnings.add(
            package.names["users"],
            "",
            "role",
            "директор (роль principal) не найден — в документах будет «Директор (не указан)»",
        )
    snapshot = Snapshot(
        school=roster.school,
        year=roster.year,
        as_of=min(max(dates), roster.year.end) if dates else roster.year.start,
        staff=tuple(sorted(roster.staff.values(), key=lambda s: s.id)),
        classes=tuple(sorted(roster.classes.values(), key=lambda c: (c.grade, c.letter))),
        students=tuple(sorted(roster.students.values(), key=lambda s: s.id)),
        guardians=tuple(sorted(roster.guardians.values(), key=lambda g: g.id)),
        subjects=tuple(sorted(roster.subjects.values(), key=lambda s: s.id)),
        assignments=tuple(assignments),
        lessons=tuple(
            sorted(book.lessons, key=lambda x: (x.class_id, x.subject_id, x.date, x.number))
        ),
        marks=tuple(book.marks),
        attendance=tuple(book.attendance),
        period_marks=tuple(
            PeriodMark(s, subj, p, v) for (s, subj, p), v in sorted(book.period_marks.items())
        ),
        source=SOURCE
        + (
            f": {package.manifest['source.systemname']}"
            if package.manifest.get("source.systemname")
            else ""
        ),
    )
    return AdapterResult(snapshot, warnings.result())


def read(path: Path) -> Snapshot:
    """Read a OneRoster 1.2 CSV package (folder or zip) into a snapshot."""
    return read_with_report(path).snapshot
