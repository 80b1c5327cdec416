"""Movements of students (with orders) and the year-end decisions of the pedagogical council."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from service.journal.snapshot import YEAR, Decision, MovementKind
from service.sample.calendar import SchoolCalendar
from service.sample.curriculum import SUBJECT_BY_ID
from service.sample.results import PeriodMarkRec
from service.sample.story import Story

OTHER_SCHOOLS = (
    "МБОУ «Средняя общеобразовательная школа № 3» г. Твери",
    "МОУ «Гимназия № 2» г. Ржева",
    "МБОУ «Лицей № 1» г. Конаково",
    "ГБОУ «Школа № 1568» г. Москвы",
    "МАОУ «СОШ № 12» г. Великого Новгорода",
    "МБОУ «Основная общеобразовательная школа» с. Озерки",
)
ARRIVAL_REASONS = ("смена места жительства", "по заявлению родителей (законных представителей)")
LEAVING_REASONS = (
    "переезд на новое место жительства",
    "перевод в другую образовательную организацию",
    "по заявлению родителей (законных представителей)",
)


@dataclass(frozen=True, slots=True)
class MovementRec:
    """An arrival or a leaving, with its order."""

    id: str
    student_id: str
    kind: str
    date: dt.date
    order_number: str
    order_date: dt.date
    from_class_id: str | None
    to_class_id: str | None
    counterpart: str
    reason: str


@dataclass(frozen=True, slots=True)
class DecisionRec:
    """The year-end decision for a student."""

    student_id: str
    decision: str
    order_number: str
    order_date: dt.date
    note: str


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Movements during the year and decisions at its end."""

    movements: tuple[MovementRec, ...]
    decisions: tuple[DecisionRec, ...]


def make_outcomes(
    story: Story,
    period_marks: tuple[PeriodMarkRec, ...],
    calendar: SchoolCalendar,
    rng: random.Random,
) -> Outcomes:
    """Movements with orders in date order, then promotion, graduation and retention orders."""
    by_id = {s.id: s for s in story.students}
    events: list[tuple[dt.date, str, str]] = []
    for sid in story.arrivals:
        events.append((by_id[sid].enrolled_on, MovementKind.ARRIVAL, sid))
    for sid in story.leavers:
        left_on = by_id[sid].left_on
        assert left_on is not None
        events.append((left_on, MovementKind.LEAVING, sid))
    events.sort()
    number = rng.randint(5, 15)
    movements: list[MovementRec] = []
    leaving_order: dict[str, tuple[str, dt.date]] = {}
    for i, (day, kind, sid) in enumerate(events):
        number += rng.randint(1, 4)
        order = f"{number}-у"
        student = by_id[sid]
        arrival = kind == MovementKind.ARRIVAL
        movements.append(
            MovementRec(
                id=f"mv{i + 1:04d}",
                student_id=sid,
                kind=kind,
                date=day,
                order_number=order,
                order_date=day,
                from_class_id=None if arrival else student.class_id,
                to_class_id=student.class_id if arrival else None,
                counterpart=rng.choice(OTHER_SCHOOLS),
                reason=rng.choice(ARRIVAL_REASONS if arrival else LEAVING_REASONS),
            )
        )
        if not arrival:
            leaving_order[sid] = (order, day)

    second = calendar.terms[-1].end.year
    promotion = (f"{number + 3}-у", calendar.terms[-1].end + dt.timedelta(days=3))
    graduation = {
        9: (f"{number + 5}-у", dt.date(second, 6, 26)),
        11: (f"{number + 6}-у", dt.date(second, 6, 27)),
    }
    retention = (f"{number + 9}-у", dt.date(second, 8, 29))
    debts: dict[str, list[str]] = {}
    for pm in period_marks:
        if pm.period_id == YEAR and pm.value in ("2", "1", "н/а", "незач"):
            debts.setdefault(pm.student_id, []).append(SUBJECT_BY_ID[pm.subject_id].name)
    decisions: list[DecisionRec] = []
    for s in story.students:
        if s.id in leaving_order:
            order, day = leaving_order[s.id]
            decisions.append(DecisionRec(s.id, Decision.LEFT, order, day, ""))
        elif s.grade in (9, 11):
            order, day = graduation[s.grade]
            decisions.append(DecisionRec(s.id, Decision.GRADUATED, order, day, ""))
        elif s.id in story.retained and s.id in debts:
            note = "Академическая задолженность не ликвидирована: " + ", ".join(debts[s.id])
            decisions.append(DecisionRec(s.id, Decision.RETAINED, retention[0], retention[1], note))
        elif s.id in debts:
            note = (
                "Академическая задолженность: "
                + ", ".join(debts[s.id])
                + "; ликвидировать до 15 октября"
            )
            decisions.append(
                DecisionRec(s.id, Decision.CONDITIONALLY_PROMOTED, promotion[0], promotion[1], note)
            )
        else:
            decisions.append(DecisionRec(s.id, Decision.PROMOTED, promotion[0], promotion[1], ""))
    return Outcomes(tuple(movements), tuple(decisions))
