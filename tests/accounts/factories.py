"""A tiny hand-built journal snapshot for permission tests: two classes, two teachers."""

from __future__ import annotations

import datetime as dt

from service.journal.snapshot import (
    AcademicYear,
    Assignment,
    Period,
    PeriodKind,
    School,
    SchoolClass,
    Snapshot,
    StaffMember,
    Subject,
)

SCHOOL = "sch-1"
OTHER_SCHOOL = "sch-2"
# T1 leads 5А and teaches maths in 5А and 6Б; T2 leads 6Б and teaches Russian in 6Б.
CLASS_TEACHER_STAFF = "T1"
TEACHER_STAFF = "T2"


def tiny_snapshot() -> Snapshot:
    """Two classes, two subjects, two teachers; enough to decide every permission cell."""
    return Snapshot(
        school=School(
            id=SCHOOL,
            full_name="МБОУ «СОШ № 1»",
            short_name="СОШ № 1",
            address="ул. Ленина, 1",
            place="г. Энск",
            director_id="D1",
        ),
        year=AcademicYear(
            id="2024/2025",
            start=dt.date(2024, 9, 1),
            end=dt.date(2025, 5, 31),
            periods=(
                Period(
                    "Q1",
                    "1 четверть",
                    PeriodKind.QUARTER,
                    dt.date(2024, 9, 2),
                    dt.date(2024, 10, 25),
                ),
            ),
        ),
        as_of=dt.date(2024, 10, 25),
        staff=(
            StaffMember("Иванова", "Анна", "Петровна", id="T1", position="учитель математики"),
            StaffMember("Петров", "Олег", "Ильич", id="T2", position="учитель русского языка"),
            StaffMember("Сидоров", "Павел", "Андреевич", id="D1", position="директор"),
        ),
        classes=(SchoolClass("5А", 5, "А", "T1"), SchoolClass("6Б", 6, "Б", "T2")),
        students=(),
        guardians=(),
        subjects=(Subject("math", "Математика"), Subject("rus", "Русский язык")),
        assignments=(
            Assignment("a1", "5А", "math", "T1", 5),
            Assignment("a2", "6Б", "math", "T1", 5),
            Assignment("a3", "6Б", "rus", "T2", 4),
        ),
        lessons=(),
        marks=(),
        attendance=(),
        period_marks=(),
        snapshot_id="tiny",
    )
