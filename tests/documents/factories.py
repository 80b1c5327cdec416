"""Hand-built snapshots for document tests: a tiny school with hand-countable marks, and a
synthetic generator for wide grids (until the sample school generator is used)."""

from __future__ import annotations

import datetime as dt
import random

from service.journal.snapshot import (
    AcademicYear,
    Assignment,
    Attendance,
    AttendanceCode,
    Decision,
    Delivery,
    Group,
    Guardian,
    Holiday,
    Lesson,
    Mark,
    Movement,
    MovementKind,
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
    Substitution,
    WorkType,
    YearDecision,
)

UTC3 = dt.timezone(dt.timedelta(hours=3))
Q1 = Period("Q1", "1 четверть", PeriodKind.QUARTER, dt.date(2024, 9, 2), dt.date(2024, 10, 25))
Q2 = Period("Q2", "2 четверть", PeriodKind.QUARTER, dt.date(2024, 11, 5), dt.date(2024, 12, 28))
Q3 = Period("Q3", "3 четверть", PeriodKind.QUARTER, dt.date(2025, 1, 9), dt.date(2025, 3, 21))
Q4 = Period("Q4", "4 четверть", PeriodKind.QUARTER, dt.date(2025, 3, 31), dt.date(2025, 5, 26))
YEAR = AcademicYear(
    "2024/2025",
    dt.date(2024, 9, 1),
    dt.date(2025, 8, 31),
    (Q1, Q2, Q3, Q4),
    (Holiday("Осенние каникулы", dt.date(2024, 10, 26), dt.date(2024, 11, 4)),),
)
SCHOOL = School(
    "sch-1",
    "Муниципальное бюджетное общеобразовательное учреждение «Средняя "
    "общеобразовательная школа № 7»",
    "МБОУ СОШ № 7",
    "г. Тверь, ул. Школьная, д. 1",
    "г. Тверь",
    "t-dir",
)


def _at(day: dt.date, hour: int = 16) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=UTC3)


def tiny_school() -> Snapshot:
    """Class 5А, four students, math (4 h) and music (1 h); every number below is hand-countable.

    Q1 period marks — math: 5, 4, 3, 2; music: 5, 5, 4, н/а.
    Math lessons 02.09, 03.09, 04.09 (test), 05.09; music 06.09.
    """
    staff = (
        StaffMember("Иванова", "Мария", "Петровна", id="t-dir", position="директор"),
        StaffMember("Петров", "Олег", "Ильич", id="t-math", position="учитель математики"),
        StaffMember("Сидорова", "Анна", "Викторовна", id="t-mus", position="учитель музыки"),
        StaffMember(
            "Кузнецова", "Ольга", "Сергеевна", id="t-ct", position="учитель русского языка"
        ),
    )
    school_class = SchoolClass("5А", 5, "А", "t-ct", (Group("5А-1", "1 группа", ("s1", "s2")),))
    students = (
        Student(
            "Алексеев",
            "Артём",
            "Игоревич",
            id="s1",
            sex=Sex.MALE,
            class_id="5А",
            guardian_ids=("g1",),
            medal_candidate=True,
            birth_date=dt.date(2013, 3, 1),
        ),
        Student(
            "Борисова",
            "Вера",
            "Андреевна",
            id="s2",
            sex=Sex.FEMALE,
            class_id="5А",
            guardian_ids=("g2",),
            medal_candidate=True,
            birth_date=dt.date(2013, 5, 2),
        ),
        Student("Волков", "Глеб", "Денисович", id="s3", class_id="5А", guardian_ids=("g3",)),
        Student(
            "Григорьева",
            "Дарья",
            "Олеговна",
            id="s4",
            sex=Sex.FEMALE,
            class_id="5А",
            guardian_ids=("g4",),
            left_on=dt.date(2024, 12, 20),
        ),
    )
    guardians = (
        Guardian("Алексеева", "Инна", "", id="g1", relation="мать", delivery=Delivery.PAPER),
        Guardian("Борисов", "Андрей", "", id="g2", relation="отец", delivery=Delivery.ELECTRONIC),
        Guardian("Волкова", "Елена", "", id="g3", relation="мать", delivery=Delivery.PAPER),
        Guardian("Григорьев", "Олег", "", id="g4", relation="отец", delivery=Delivery.PAPER),
    )
    subjects = (Subject("math", "Математика", "Матем."), Subject("music", "Музыка", "Музыка"))
    assignments = (
        Assignment("a1", "5А", "math", "t-math", 4.0),
        Assignment("a2", "5А", "music", "t-mus", 1.0),
    )
    d = dt.date
    lessons = (
        Lesson(
            "L1",
            d(2024, 9, 2),
            1,
            "5А",
            "math",
            "t-math",
            topic="Натуральные числа",
            homework="№ 1–5",
            entered_at=_at(d(2024, 9, 2)),
            homework_entered_at=_at(d(2024, 9, 2), 10),  # lesson 1 ends 09:15, +1,5 h: on time
        ),
        Lesson(
            "L2",
            d(2024, 9, 3),
            2,
            "5А",
            "math",
            "t-math",
            topic="Сложение",
            homework="№ 6–9",
            entered_at=_at(d(2024, 9, 3)),
            homework_entered_at=_at(d(2024, 9, 4), 20),
        ),
        Lesson(
            "L3",
            d(2024, 9, 4),
            1,
            "5А",
            "math",
            "t-math",
            topic="Контрольная работа № 1",
            work_type=WorkType.TEST,
            entered_at=_at(d(2024, 9, 4)),
            substitute_id="t-ct",
        ),
        Lesson(
            "L4",
            d(2024, 9, 5),
            3,
            "5А",
            "math",
            "t-math",
            topic="Вычитание",
            homework="№ 10",
            entered_at=_at(d(2024, 9, 5)),
            homework_entered_at=_at(d(2024, 9, 5), 12),  # lesson 3 ends 11:15, +1,5 h: on time
        ),
        Lesson(
            "L5",
            d(2024, 9, 6),
            4,
            "5А",
            "music",
            "t-mus",
            topic="Музыка и литература",
            entered_at=_at(d(2024, 9, 6)),
        ),
    )
    marks = (
        Mark("m1", "L1", "s1", "5", entered_at=_at(d(2024, 9, 2))),
        Mark("m2", "L1", "s2", "4", entered_at=_at(d(2024, 9, 2))),
        Mark("m3", "L2", "s1", "5", entered_at=_at(d(2024, 9, 5))),  # late: not on the lesson day
        Mark("m4", "L3", "s1", "5", WorkType.TEST, entered_at=_at(d(2024, 9, 6))),  # 2 days: fine
        Mark("m5", "L3", "s2", "4", WorkType.TEST, entered_at=_at(d(2024, 9, 9))),  # 5 days: late
        Mark("m6", "L3", "s3", "3", WorkType.TEST, entered_at=_at(d(2024, 9, 6))),
        Mark("m7", "L4", "s1", "4", entered_at=_at(d(2024, 9, 5))),
        Mark("m8", "L5", "s1", "5", entered_at=_at(d(2024, 9, 6))),
    )
    attendance = (
        Attendance("L1", "s4", AttendanceCode.ILL),
        Attendance("L2", "s4", AttendanceCode.ILL),
        Attendance("L3", "s4", AttendanceCode.ABSENT),
        Attendance("L4", "s3", AttendanceCode.LATE),
        Attendance("L5", "s3", AttendanceCode.EXCUSED),
    )
    pm = []
    for sid, math, music in (
        ("s1", "5", "5"),
        ("s2", "4", "5"),
        ("s3", "3", "4"),
        ("s4", "2", "н/а"),
    ):
        pm += [PeriodMark(sid, "math", "Q1", math), PeriodMark(sid, "music", "Q1", music)]
    pm += [
        PeriodMark("s1", "math", "Q2", "5"),
        PeriodMark("s1", "music", "Q2", "5"),
        PeriodMark("s2", "math", "Q2", "4"),
        PeriodMark("s2", "music", "Q2", "3"),
        PeriodMark("s1", "math", "year", "5"),
        PeriodMark("s1", "music", "year", "5"),
    ]
    decisions = (
        YearDecision("s1", Decision.PROMOTED, "45-у", d(2025, 5, 28)),
        YearDecision("s4", Decision.LEFT, "12-д", d(2024, 12, 20)),
    )
    movements = (
        Movement(
            "mv1",
            "s4",
            MovementKind.LEAVING,
            d(2024, 12, 20),
            "12-д",
            d(2024, 12, 20),
            from_class_id="5А",
            counterpart="МБОУ СОШ № 3 г. Твери",
            reason="переезд",
        ),
    )
    substitutions = (
        Substitution(
            "sub1", d(2024, 9, 4), 1, "5А", "math", "t-math", "t-ct", "болезнь", 1.0, True, "L3"
        ),
        Substitution(
            "sub2", d(2024, 9, 10), 2, "5А", "math", "t-math", "t-ct", "болезнь", 1.0, True
        ),
        Substitution(
            "sub3", d(2024, 9, 11), 3, "5А", "music", "t-mus", "t-math", "курсы", 1.0, False
        ),
    )
    return Snapshot(
        SCHOOL,
        YEAR,
        d(2024, 12, 27),
        staff,
        (school_class,),
        students,
        guardians,
        subjects,
        assignments,
        lessons,
        marks,
        attendance,
        tuple(pm),
        decisions,
        movements,
        substitutions,
        snapshot_id="ab" * 32,
    )


LAST = (
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
)
FIRST = ("Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья", "Кирилл")


def wide_school(students: int = 35, lessons: int = 60, seed: int = 7) -> Snapshot:
    """One class with ``students`` students and ``lessons`` math lessons in Q1 (dense marks)."""
    rng = random.Random(seed)
    staff = (
        StaffMember("Иванова", "Мария", "Петровна", id="t-dir", position="директор"),
        StaffMember("Петров", "Олег", "Ильич", id="t-math", position="учитель математики"),
    )
    pupils = tuple(
        Student(
            f"{LAST[i % len(LAST)]}{'а' if i % 3 == 0 else ''}",
            FIRST[i % len(FIRST)],
            "Иванович",
            id=f"w{i:02d}",
            class_id="7Б",
        )
        for i in range(students)
    )
    days = []
    day = Q1.start
    while len(days) < lessons:
        if day.weekday() < 5:
            days.append(day)
            if len(days) < lessons and day.weekday() in (0, 1, 3):
                days.append(day)  # two lessons on Tuesdays and Thursdays
        day += dt.timedelta(days=1)
    lesson_rows = tuple(
        Lesson(
            f"WL{i}",
            day,
            1 + (i % 2),
            "7Б",
            "math",
            "t-math",
            topic=f"Тема урока {i + 1}: решение задач на движение и совместную работу",
            homework=f"§ {i + 1}, № {i * 3}–{i * 3 + 4}",
            work_type=WorkType.TEST if i % 10 == 9 else WorkType.CLASS,
        )
        for i, day in enumerate(days)
    )
    marks = []
    attendance = []
    for lesson in lesson_rows:
        for pupil in pupils:
            roll = rng.random()
            if roll < 0.35:
                marks.append(
                    Mark(f"{lesson.id}-{pupil.id}", lesson.id, pupil.id, rng.choice("55443332"))
                )
            elif roll < 0.40:
                attendance.append(Attendance(lesson.id, pupil.id, rng.choice("НБУ")))
    pms = tuple(PeriodMark(p.id, "math", "Q1", rng.choice("5432")) for p in pupils)
    return Snapshot(
        SCHOOL,
        YEAR,
        dt.date(2024, 10, 31),
        staff,
        (SchoolClass("7Б", 7, "Б", None),),
        pupils,
        (),
        (Subject("math", "Математика"),),
        (Assignment("wa", "7Б", "math", "t-math", 5.0),),
        lesson_rows,
        tuple(marks),
        tuple(attendance),
        pms,
        snapshot_id="cd" * 32,
    )


SUBJECTS = (
    ("rus", "Русский язык", 5),
    ("lit", "Литература", 3),
    ("math", "Математика", 5),
    ("eng", "Английский язык", 3),
    ("hist", "История", 2),
    ("bio", "Биология", 1),
    ("geo", "География", 1),
    ("pe", "Физическая культура", 2),
    ("music", "Музыка", 1),
    ("art", "Изобразительное искусство", 1),
)


def synthetic_school(students: int = 1000, seed: int = 11) -> Snapshot:
    """A stand-in school of ``students`` (28 a class) with Q1 lessons, marks and period marks."""
    rng = random.Random(seed)
    per_class = 28
    class_count = -(-students // per_class)
    staff = [StaffMember("Иванова", "Мария", "Петровна", id="t-dir", position="директор")]
    classes, pupils, assignments, lessons, marks, attendance, pms = [], [], [], [], [], [], []
    days = [Q1.start + dt.timedelta(days=i) for i in range((Q1.end - Q1.start).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    for c in range(class_count):
        grade, letter = 5 + c // 4, "АБВГ"[c % 4]
        class_id = f"{grade}{letter}"
        teacher = f"t{c}"
        staff.append(
            StaffMember(LAST[c % len(LAST)], FIRST[c % len(FIRST)], "Петрович", id=teacher)
        )
        classes.append(SchoolClass(class_id, grade, letter, teacher))
        members = []
        for i in range(min(per_class, students - c * per_class)):
            sid = f"{class_id}-{i:02d}"
            members.append(sid)
            pupils.append(
                Student(
                    LAST[(i * 7 + c) % len(LAST)],
                    FIRST[i % len(FIRST)],
                    "Олегович",
                    id=sid,
                    class_id=class_id,
                    medal_candidate=(i % 9 == 0),
                )
            )
        for subject_id, _, hours in SUBJECTS:
            assignments.append(
                Assignment(f"{class_id}-{subject_id}", class_id, subject_id, teacher, float(hours))
            )
            step = max(1, round(5 / hours))
            for n, day in enumerate(days[::step][: hours * 8]):
                lesson_id = f"{class_id}-{subject_id}-{n}"
                lessons.append(
                    Lesson(
                        lesson_id,
                        day,
                        1 + n % 6,
                        class_id,
                        subject_id,
                        teacher,
                        topic=f"Тема {n + 1}",
                        homework=f"§ {n + 1}",
                    )
                )
                for sid in members:
                    roll = rng.random()
                    if roll < 0.3:
                        marks.append(
                            Mark(f"{lesson_id}-{sid}", lesson_id, sid, rng.choice("5544333"))
                        )
                    elif roll < 0.34:
                        attendance.append(Attendance(lesson_id, sid, rng.choice("НБУО")))
            for sid in members:
                pms.append(PeriodMark(sid, subject_id, "Q1", rng.choice("554443332")))
    return Snapshot(
        SCHOOL,
        YEAR,
        dt.date(2024, 10, 31),
        tuple(staff),
        tuple(classes),
        tuple(pupils),
        (),
        tuple(Subject(s, n) for s, n, _ in SUBJECTS),
        tuple(assignments),
        tuple(lessons),
        tuple(marks),
        tuple(attendance),
        tuple(pms),
        snapshot_id="ef" * 32,
    )
