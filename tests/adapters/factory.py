"""A small, hand-sized school snapshot for adapter tests (the sample generator makes big ones)."""

from __future__ import annotations

import datetime as dt
import random

from service.journal.snapshot import (
    EXAM,
    FINAL,
    YEAR,
    AcademicYear,
    Assignment,
    Attendance,
    AttendanceCode,
    Delivery,
    Group,
    Guardian,
    Lesson,
    Mark,
    Period,
    PeriodKind,
    PeriodMark,
    School,
    SchoolClass,
    Sex,
    Snapshot,
    StaffMember,
    Student,
    Subject,
    WorkType,
)

PUPILS = [
    ("Иванов", "Иван", "Петрович", Sex.MALE),
    ("Смирнова", "Алёна", "Игоревна", Sex.FEMALE),
    ("Кузнецов", "Артём", "Сергеевич", Sex.MALE),
    ("Алиев", "Рашад", "Эльдар оглы", Sex.MALE),
    ("Попова", "Мария", "Андреевна", Sex.FEMALE),
    ("Соколов", "Никита", "", Sex.MALE),
]


def small_school(seed: int = 3) -> Snapshot:
    """One 5А class, mathematics (whole class) and English (two groups), a full year of quarters."""
    rnd = random.Random(seed)
    periods = (
        Period("Q1", "1 четверть", PeriodKind.QUARTER, dt.date(2024, 9, 2), dt.date(2024, 10, 25)),
        Period("Q2", "2 четверть", PeriodKind.QUARTER, dt.date(2024, 11, 5), dt.date(2024, 12, 28)),
        Period("Q3", "3 четверть", PeriodKind.QUARTER, dt.date(2025, 1, 9), dt.date(2025, 3, 21)),
        Period("Q4", "4 четверть", PeriodKind.QUARTER, dt.date(2025, 3, 31), dt.date(2025, 5, 26)),
    )
    year = AcademicYear("2024/2025", dt.date(2024, 9, 2), dt.date(2025, 5, 26), periods)
    staff = (
        StaffMember("Орлова", "Татьяна", "Викторовна", id="dir", position="директор"),
        StaffMember("Белова", "Нина", "Петровна", id="t-math", position="учитель математики"),
        StaffMember("Грин", "Анна", "Сергеевна", id="t-eng1", position="учитель английского языка"),
        StaffMember("Жуков", "Олег", "Ильич", id="t-eng2", position="учитель английского языка"),
    )
    guardians = (
        Guardian(
            "Иванова",
            "Ольга",
            "Николаевна",
            id="g0",
            relation="мать",
            phone="+79001234567",
            email="olga@example.ru",
            delivery=Delivery.PAPER,
        ),
        Guardian("Смирнов", "Игорь", "Львович", id="g1", relation="отец", phone="+79007654321"),
    )
    students = tuple(
        Student(
            last,
            first,
            middle,
            id=f"s{i}",
            sex=sex,
            class_id="5А",
            birth_date=dt.date(2013, 3, 1 + i),
            guardian_ids=(f"g{i}",) if i < 2 else (),
            left_on=dt.date(2025, 2, 14) if i == 5 else None,
            enrolled_on=dt.date(2024, 11, 11) if i == 4 else None,
        )
        for i, (last, first, middle, sex) in enumerate(PUPILS)
    )
    groups = (
        Group("g1", "1 группа", ("s0", "s1", "s2")),
        Group("g2", "2 группа", ("s3", "s4", "s5")),
    )
    classes = (SchoolClass("5А", 5, "А", "t-math", groups),)
    subjects = (Subject("math", "Математика"), Subject("eng", "Английский язык", "Англ. яз."))
    assignments = (
        Assignment("a1", "5А", "math", "t-math", 5),
        Assignment("a2", "5А", "eng", "t-eng1", 2, "g1"),
        Assignment("a3", "5А", "eng", "t-eng2", 2, "g2"),
    )
    lessons: list[Lesson] = []
    day = dt.date(2024, 9, 2)
    while day <= year.end:
        if day.weekday() < 5 and any(p.start <= day <= p.end for p in periods):
            count = 2 if day.weekday() == 2 else 1  # two mathematics lessons on Wednesdays
            for n in range(count):
                lessons.append(
                    Lesson(
                        f"m{day:%m%d}{n}",
                        day,
                        2 + n,
                        "5А",
                        "math",
                        "t-math",
                        topic=f"Тема {day:%d.%m} ({n + 1})",
                        homework="№ 12, 14",
                        work_type=WorkType.TEST if day.day == 15 else WorkType.CLASS,
                    )
                )
            if day.weekday() in (1, 3):
                lessons.append(
                    Lesson(
                        f"e1{day:%m%d}",
                        day,
                        4,
                        "5А",
                        "eng",
                        "t-eng1",
                        "g1",
                        topic="Present Simple; «Моя семья»",
                        homework="Стр. 5 упр. 3",
                    )
                )
                lessons.append(
                    Lesson(
                        f"e2{day:%m%d}",
                        day,
                        4,
                        "5А",
                        "eng",
                        "t-eng2",
                        "g2",
                        topic="Present Simple",
                        homework="",
                        work_type=WorkType.ORAL,
                    )
                )
        day += dt.timedelta(days=1)
    marks: list[Mark] = []
    attendance: list[Attendance] = []
    codes = list(AttendanceCode)
    for lesson in lessons:
        members = (
            groups[0 if lesson.group_id == "g1" else 1].student_ids
            if lesson.group_id
            else tuple(s.id for s in students)
        )
        for sid in members:
            roll = rnd.random()
            if roll < 0.08:
                code = rnd.choice(codes)
                attendance.append(Attendance(lesson.id, sid, code))
                if code == AttendanceCode.LATE and rnd.random() < 0.5:
                    marks.append(Mark(f"{lesson.id}{sid}", lesson.id, sid, rnd.choice("5432")))
            elif roll < 0.35:
                marks.append(
                    Mark(
                        f"{lesson.id}{sid}", lesson.id, sid, rnd.choice("554432"), lesson.work_type
                    )
                )
                if rnd.random() < 0.1:
                    marks.append(Mark(f"{lesson.id}{sid}b", lesson.id, sid, rnd.choice("54321")))
    period_marks = []
    for student in students:
        for subject in ("math", "eng"):
            for pid in ("Q1", "Q2", "Q3", "Q4", YEAR):
                value = rnd.choice(["5", "4", "4", "3", "н/а"]) if student.id != "s3" else "осв"
                period_marks.append(PeriodMark(student.id, subject, pid, value))
        period_marks.append(PeriodMark(student.id, "math", EXAM, "4"))
        period_marks.append(PeriodMark(student.id, "math", FINAL, "4"))
    school = School(
        "sch",
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя "
        "общеобразовательная школа № 7», г. Тверь",
        "МБОУ СОШ № 7",
        "170100, г. Тверь, ул. Советская, д. 1",
        "г. Тверь",
        "dir",
    )
    return Snapshot(
        school,
        year,
        dt.date(2025, 5, 26),
        staff,
        classes,
        students,
        guardians,
        subjects,
        assignments,
        tuple(lessons),
        tuple(marks),
        tuple(attendance),
        tuple(period_marks),
    )
