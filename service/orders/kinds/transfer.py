"""Приказ о переводе обучающихся в следующий класс: the council's decisions, class by class."""

from __future__ import annotations

import datetime as dt
from typing import Any

from service.journal import snapshot as m
from service.orders.context import ContextRequest, ParamError, fmt_date, parse_date, person, student
from service.orders.kind import OrderKind, Param, ParamType, Register
from service.orders.schema import PERSON, STUDENT

SCHEMA = {
    "council": {"date": None, "protocol": None},
    "classes": [
        {
            "class_name": None,
            "next_class_name": None,
            "teacher": PERSON,
            "promoted": [STUDENT],
            "conditionally": [STUDENT],
            "retained": [STUDENT],
            "graduated": [STUDENT],
        }
    ],
    "debt_deadline": None,
    "totals": {"promoted": None, "conditionally": None, "retained": None, "graduated": None},
}


def build(req: ContextRequest) -> dict[str, Any]:
    """Students grouped by the council's decision; ``classes=5А,6Б`` narrows the classes."""
    snap = req.snapshot
    wanted = {c.strip() for c in req.params.get("classes", "").split(",") if c.strip()}
    groups = []
    totals = {"promoted": 0, "conditionally": 0, "retained": 0, "graduated": 0}
    for cls in sorted(snap.classes, key=lambda c: (c.grade, c.letter)):
        if wanted and cls.name not in wanted and cls.id not in wanted:
            continue
        lists: dict[str, list[dict[str, Any]]] = {k: [] for k in totals}
        for s in snap.students_of_class.get(cls.id, ()):
            decision = snap.decision_of_student.get(s.id)
            if decision is None:
                continue
            key = {
                m.Decision.PROMOTED: "promoted",
                m.Decision.CONDITIONALLY_PROMOTED: "conditionally",
                m.Decision.RETAINED: "retained",
                m.Decision.GRADUATED: "graduated",
            }.get(decision.decision)
            if key is not None:
                lists[key].append(student(snap, s, decision.note))
        if not any(lists.values()):
            continue
        for key, items in lists.items():
            totals[key] += len(items)
        groups.append(
            {
                "class_name": cls.name,
                "next_class_name": f"{cls.grade + 1}{cls.letter}",
                "teacher": person(snap.staff_by_id.get(cls.teacher_id or "")),
                **lists,
            }
        )
    if not groups:
        raise ParamError("в срезе журнала нет решений педагогического совета о переводе")
    council = req.params.get("council_date")
    debt = req.params.get("debt_deadline")
    return {
        "council": {
            "date": fmt_date(parse_date(council, "council_date"))
            if council
            else fmt_date(snap.as_of),
            "protocol": req.params.get("council_protocol", "____"),
        },
        "classes": groups,
        "debt_deadline": fmt_date(parse_date(debt, "debt_deadline"))
        if debt
        else fmt_date(dt.date(snap.year.end.year, 10, 15)),
        "totals": {k: str(v) for k, v in totals.items()},
    }


KIND = OrderKind(
    id="transfer",
    kind_title="ПРИКАЗ",
    title="О переводе обучающихся в следующий класс",
    retention="order-students",
    schema=SCHEMA,
    build=build,
    register=Register.STUDENTS,
    params=(
        Param("classes", "Классы", ParamType.CLASSES, help="Если не выбраны — все классы."),
        Param(
            "council_date",
            "Дата педагогического совета",
            ParamType.DATE,
            help="Если не указана — дата среза журнала.",
        ),
        Param("council_protocol", "Номер протокола педсовета", help="Если не указан — «____»."),
        Param(
            "debt_deadline",
            "Срок ликвидации академической задолженности",
            ParamType.DATE,
            help="Если не указан — 15 октября.",
        ),
    ),
)
