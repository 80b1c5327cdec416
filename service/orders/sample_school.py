"""The sample schools of orders: a generated one for trial renders, a small fixed one for tests.

:func:`sample_snapshot` comes from the project-wide generator (``service.sample``) and fills every
part of every template when an upload is checked or ``--demo`` is given; :func:`demo_snapshot` is a
small, hand-made school whose names and decisions tests and the benchmark can rely on.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from service.journal import snapshot as m

LAST = [
    "Иванов",
    "Петров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Волков",
    "Алексеев",
    "Зайцев",
    "Павлов",
    "Семенов",
]
BOYS = ["Артём", "Максим", "Иван", "Михаил", "Даниил", "Кирилл", "Егор", "Никита"]
GIRLS = ["Анна", "Мария", "Софья", "Виктория", "Полина", "Алиса", "Дарья", "Ксения"]
FATHERS = ["Сергей", "Андрей", "Алексей", "Дмитрий", "Олег", "Павел", "Игорь", "Владимир"]
SONS = [
    "Сергеевич",
    "Андреевич",
    "Алексеевич",
    "Дмитриевич",
    "Олегович",
    "Павлович",
    "Игоревич",
    "Владимирович",
]
MOTHERS = ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Марина"]


def _female(last: str) -> str:
    return last + "а"


def _staff() -> tuple[m.StaffMember, ...]:
    return (
        m.StaffMember("Орлова", "Галина", "Петровна", id="t-dir", position="директор"),
        m.StaffMember(
            "Белов",
            "Николай",
            "Андреевич",
            id="t-dep",
            position="заместитель директора по учебно-воспитательной работе",
        ),
        m.StaffMember(
            "Крылова",
            "Анна",
            "Сергеевна",
            id="t-adm",
            position="учитель информатики, администратор электронного журнала",
        ),
        m.StaffMember(
            "Фёдорова", "Марина", "Ивановна", id="t-5a", position="учитель русского языка"
        ),
        m.StaffMember("Громов", "Пётр", "Ильич", id="t-9b", position="учитель математики"),
    )


def demo_snapshot(students_per_class: int = 6) -> m.Snapshot:
    """Classes 5А and 9Б, guardians with identity documents, decisions and movements."""
    return _demo(students_per_class)


@lru_cache(maxsize=4)
def _demo(per_class: int) -> m.Snapshot:
    year_start = dt.date(2025, 9, 1)
    periods = tuple(
        m.Period(f"Q{i + 1}", f"{i + 1} четверть", m.PeriodKind.QUARTER, s, e)
        for i, (s, e) in enumerate(
            [
                (dt.date(2025, 9, 1), dt.date(2025, 10, 24)),
                (dt.date(2025, 11, 5), dt.date(2025, 12, 28)),
                (dt.date(2026, 1, 12), dt.date(2026, 3, 20)),
                (dt.date(2026, 3, 30), dt.date(2026, 5, 26)),
            ]
        )
    )
    classes = (m.SchoolClass("5А", 5, "А", "t-5a"), m.SchoolClass("9Б", 9, "Б", "t-9b"))
    students: list[m.Student] = []
    guardians: list[m.Guardian] = []
    decisions: list[m.YearDecision] = []
    consents: list[m.Consent] = []
    n = 0
    for cls in classes:
        for i in range(per_class):
            last = LAST[(n * 7 + i) % len(LAST)]
            girl = n % 2 == 1
            sid, gid = f"s{n + 1:03d}", f"g{n + 1:03d}"
            born = dt.date(2025 - cls.grade - 6, 1 + n % 12, 1 + n % 27)
            students.append(
                m.Student(
                    _female(last) if girl else last,
                    (GIRLS if girl else BOYS)[n % 8],
                    SONS[n % 8][:-2] + "на" if girl else SONS[n % 8],
                    id=sid,
                    birth_date=born,
                    sex=m.Sex.FEMALE if girl else m.Sex.MALE,
                    class_id=cls.id,
                    enrolled_on=dt.date(2025 - cls.grade + 1, 9, 1),
                    guardian_ids=(gid,),
                    address=f"г. Зареченск, ул. Садовая, д. {n + 3}, кв. {n + 10}",
                    document=m.IdentityDocument(
                        "свидетельство о рождении",
                        "II-МЮ",
                        f"{600100 + n}",
                        "Отдел ЗАГС г. Зареченска",
                        born + dt.timedelta(days=20),
                    ),
                )
            )
            guardians.append(
                m.Guardian(
                    _female(last),
                    MOTHERS[n % 8],
                    ["Сергеевна", "Ивановна", "Петровна"][n % 3],
                    id=gid,
                    relation="мать",
                    phone=f"+7 900 555-{n:02d}-{(n * 7) % 100:02d}",
                    email=f"parent{n + 1}@example.ru",
                    address=students[-1].address,
                    delivery=m.Delivery.PAPER if n % 4 == 0 else m.Delivery.ELECTRONIC,
                    document=m.IdentityDocument(
                        "паспорт гражданина Российской Федерации",
                        f"45 1{n % 10}",
                        f"{700200 + n * 13}",
                        "ГУ МВД России по Зареченской области",
                        dt.date(2015, 3, 1 + n % 27),
                    ),
                )
            )
            decision = m.Decision.GRADUATED if cls.grade == 9 else m.Decision.PROMOTED
            note = ""
            if i == 1:
                decision, note = m.Decision.CONDITIONALLY_PROMOTED, "математика"
            if i == 2 and cls.grade != 9:
                decision = m.Decision.RETAINED
            decisions.append(m.YearDecision(sid, decision, "112-у", dt.date(2026, 5, 29), note))
            status = [
                m.ConsentStatus.GIVEN,
                m.ConsentStatus.PENDING,
                m.ConsentStatus.REFUSED,
                m.ConsentStatus.GIVEN,
                m.ConsentStatus.WITHDRAWN,
            ][n % 5]
            consents.append(
                m.Consent(
                    f"c{n + 1:03d}",
                    gid,
                    sid,
                    m.ConsentKind.PERSONAL_DATA,
                    status,
                    None if status is m.ConsentStatus.PENDING else dt.date(2025, 9, 2 + n % 20),
                    dt.date(2026, 1, 15) if status is m.ConsentStatus.WITHDRAWN else None,
                )
            )
            n += 1
    movements = (
        m.Movement(
            "mv1",
            students[0].id,
            m.MovementKind.ARRIVAL,
            dt.date(2025, 10, 6),
            "54-у",
            dt.date(2025, 10, 6),
            to_class_id="5А",
            counterpart="МБОУ «СОШ № 3» г. Лесного",
            reason="смена места жительства",
        ),
        m.Movement(
            "mv2",
            students[-1].id,
            m.MovementKind.LEAVING,
            dt.date(2026, 2, 9),
            "71-у",
            dt.date(2026, 2, 9),
            from_class_id="9Б",
            counterpart="ГБПОУ «Зареченский колледж»",
            reason="продолжение обучения в колледже",
        ),
    )
    return m.Snapshot(
        school=m.School(
            "sch-1",
            "Муниципальное бюджетное общеобразовательное учреждение «Средняя "
            "общеобразовательная школа № 7» города Зареченска",
            "МБОУ «СОШ № 7»",
            "624250, Зареченская обл., г. Зареченск, ул. Школьная, д. 1",
            "г. Зареченск",
            "t-dir",
            inn="6639001234",
            ogrn="1026601234567",
            phone="+7 34377 2-11-07",
            email="school7@example.ru",
        ),
        year=m.AcademicYear("2025/2026", year_start, dt.date(2026, 8, 31), periods),
        as_of=dt.date(2026, 5, 30),
        staff=_staff(),
        classes=classes,
        students=tuple(students),
        guardians=tuple(guardians),
        subjects=(m.Subject("math", "Математика"), m.Subject("rus", "Русский язык")),
        assignments=(),
        lessons=(),
        marks=(),
        attendance=(),
        period_marks=(),
        decisions=tuple(decisions),
        movements=movements,
        consents=tuple(consents),
        source="Vedomost demo",
    )


@lru_cache(maxsize=1)
def sample_snapshot() -> m.Snapshot:
    """The sample school used to test-render uploaded templates (60 students, built once)."""
    from service.journal.canonical import snapshot_from_dict
    from service.sample import generate_school

    return snapshot_from_dict(generate_school(students=60, year="2024/2025", seed=7))
