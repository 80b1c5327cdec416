"""A tiny but complete school snapshot for tests that need exact, hand-checkable data."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from service.journal import snapshot as m

MSK = dt.timezone(dt.timedelta(hours=3))


def tiny_snapshot(**changes: object) -> m.Snapshot:
    """Two classes, three students, every entity kind at least once; ``changes`` replace fields."""
    d = dt.date
    year = m.AcademicYear(
        id="2024/2025",
        start=d(2024, 9, 1),
        end=d(2025, 5, 31),
        periods=(
            m.Period("Q1", "1 четверть", m.PeriodKind.QUARTER, d(2024, 9, 2), d(2024, 10, 25)),
            m.Period("Q2", "2 четверть", m.PeriodKind.QUARTER, d(2024, 11, 5), d(2024, 12, 28)),
            m.Period("Q3", "3 четверть", m.PeriodKind.QUARTER, d(2025, 1, 9), d(2025, 3, 21)),
            m.Period("Q4", "4 четверть", m.PeriodKind.QUARTER, d(2025, 3, 31), d(2025, 5, 26)),
        ),
        holidays=(m.Holiday("Осенние каникулы", d(2024, 10, 26), d(2024, 11, 4)),),
    )
    school = m.School(
        id="sch-1",
        full_name="Муниципальное бюджетное общеобразовательное учреждение «Школа № 1»",
        short_name="МБОУ «Школа № 1»",
        address="г. Энск, ул. Ленина, д. 1",
        place="г. Энск",
        director_id="t-dir",
        inn="7701000000",
    )
    staff = (
        m.StaffMember("Петрова", "Анна", "Сергеевна", id="t-dir", position="директор"),
        m.StaffMember("Иванов", "Пётр", "Ильич", id="t-math", position="учитель математики"),
        m.StaffMember(
            "Смирнова", "Ольга", "Викторовна", id="t-rus", position="учитель русского языка"
        ),
    )
    classes = (
        m.SchoolClass(
            "5А", 5, "А", "t-math", groups=(m.Group("5А-1", "1 группа", ("s-2", "s-1")),)
        ),
        m.SchoolClass("6Б", 6, "Б", "t-rus"),
    )
    guardians = (
        m.Guardian(
            "Кузнецова",
            "Мария",
            "Петровна",
            id="g-1",
            relation="мать",
            phone="+79990000001",
            delivery=m.Delivery.PAPER,
            document=m.IdentityDocument(
                "паспорт гражданина РФ", "4510", "123456", "ОВД", d(2015, 3, 1)
            ),
        ),
        m.Guardian("Орлов", "Денис", "Андреевич", id="g-2", relation="отец"),
    )
    students = (
        m.Student(
            "Кузнецов",
            "Алексей",
            "Игоревич",
            id="s-1",
            birth_date=d(2013, 4, 5),
            sex=m.Sex.MALE,
            class_id="5А",
            enrolled_on=d(2020, 9, 1),
            guardian_ids=("g-1",),
        ),
        m.Student(
            "Орлова",
            "Вера",
            "Денисовна",
            id="s-2",
            birth_date=d(2013, 7, 12),
            sex=m.Sex.FEMALE,
            class_id="5А",
            guardian_ids=("g-2",),
            medal_candidate=True,
        ),
        m.Student(
            "Белов",
            "Илья",
            "",
            id="s-3",
            birth_date=d(2012, 1, 30),
            class_id="6Б",
            left_on=d(2024, 12, 20),
        ),
    )
    subjects = (m.Subject("math", "Математика", "Мат."), m.Subject("rus", "Русский язык", "Рус."))
    assignments = (
        m.Assignment("a-1", "5А", "math", "t-math", 5.0),
        m.Assignment("a-2", "6Б", "rus", "t-rus", 4.5),
    )
    lessons = (
        m.Lesson(
            "l-1",
            d(2024, 9, 2),
            1,
            "5А",
            "math",
            "t-math",
            topic="Натуральные числа",
            homework="№ 1, 2",
            entered_at=dt.datetime(2024, 9, 2, 9, 0, tzinfo=MSK),
        ),
        m.Lesson(
            "l-2",
            d(2024, 9, 3),
            2,
            "5А",
            "math",
            "t-math",
            topic="Сложение",
            work_type=m.WorkType.TEST,
            substitute_id="t-rus",
        ),
        m.Lesson("l-3", d(2024, 9, 3), 3, "6Б", "rus", "t-rus", topic="Орфограммы"),
    )
    marks = (
        m.Mark("mk-1", "l-1", "s-1", "5", entered_at=dt.datetime(2024, 9, 2, 9, 40, tzinfo=MSK)),
        m.Mark("mk-2", "l-2", "s-2", "4", work_type=m.WorkType.TEST),
        m.Mark("mk-3", "l-3", "s-3", "3", work_type=m.WorkType.ORAL),
    )
    attendance = (
        m.Attendance("l-2", "s-1", m.AttendanceCode.ILL),
        m.Attendance("l-1", "s-2", m.AttendanceCode.LATE),
    )
    period_marks = (
        m.PeriodMark("s-1", "math", "Q1", "5"),
        m.PeriodMark("s-2", "math", "Q1", m.NOT_ATTESTED),
        m.PeriodMark("s-3", "rus", "Q1", m.EXEMPT),
    )
    snapshot = m.Snapshot(
        school=school,
        year=year,
        as_of=d(2024, 12, 28),
        staff=staff,
        classes=classes,
        students=students,
        guardians=guardians,
        subjects=subjects,
        assignments=assignments,
        lessons=lessons,
        marks=marks,
        attendance=attendance,
        period_marks=period_marks,
        decisions=(m.YearDecision("s-3", m.Decision.LEFT, "12-у", d(2024, 12, 20)),),
        movements=(
            m.Movement(
                "mv-1",
                "s-3",
                m.MovementKind.LEAVING,
                d(2024, 12, 20),
                "12-у",
                d(2024, 12, 20),
                from_class_id="6Б",
                counterpart="Школа № 5",
            ),
        ),
        substitutions=(
            m.Substitution(
                "sub-1",
                d(2024, 9, 3),
                2,
                "5А",
                "math",
                "t-math",
                "t-rus",
                reason="болезнь",
                lesson_id="l-2",
            ),
        ),
        consents=(
            m.Consent(
                "c-1",
                "g-1",
                "s-1",
                m.ConsentKind.PERSONAL_DATA,
                m.ConsentStatus.GIVEN,
                d(2024, 9, 1),
            ),
            m.Consent(
                "c-2",
                "g-2",
                "s-2",
                m.ConsentKind.ELECTRONIC_DELIVERY,
                m.ConsentStatus.REFUSED,
                d(2024, 9, 2),
            ),
        ),
        source="тестовая выгрузка",
    )
    return replace(snapshot, **changes) if changes else snapshot
