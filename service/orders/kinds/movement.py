"""Приказ о движении обучающихся: arrivals, leavings and transfers between two dates."""

from __future__ import annotations

from typing import Any

from service.journal import snapshot as m
from service.orders.context import ContextRequest, class_name, fmt_date, parse_date, student
from service.orders.kind import OrderKind, Param, ParamType, Register
from service.orders.schema import STUDENT

_MOVE = {
    "student": STUDENT,
    "class_name": None,
    "date": None,
    "counterpart": None,
    "reason": None,
}
SCHEMA = {
    "period": {"start": None, "end": None},
    "arrivals": [_MOVE],
    "leavings": [_MOVE],
    "transfers": [
        {"student": STUDENT, "from_class": None, "to_class": None, "date": None, "reason": None}
    ],
}


def build(req: ContextRequest) -> dict[str, Any]:
    """Movements between ``from`` (default: the year's start) and ``to`` (the snapshot's date)."""
    snap = req.snapshot
    start = parse_date(req.params["from"], "from") if req.params.get("from") else snap.year.start
    end = parse_date(req.params["to"], "to") if req.params.get("to") else snap.as_of
    out: dict[str, list[dict[str, Any]]] = {"arrivals": [], "leavings": [], "transfers": []}
    for mv in sorted(snap.movements, key=lambda x: (x.date, x.id)):
        if not start <= mv.date <= end:
            continue
        s = snap.student_by_id.get(mv.student_id)
        if s is None:
            continue
        item = {"student": student(snap, s), "date": fmt_date(mv.date), "reason": mv.reason}
        if mv.kind is m.MovementKind.ARRIVAL:
            out["arrivals"].append(
                {
                    **item,
                    "class_name": class_name(snap, mv.to_class_id or s.class_id),
                    "counterpart": mv.counterpart,
                }
            )
        elif mv.kind is m.MovementKind.LEAVING:
            out["leavings"].append(
                {
                    **item,
                    "class_name": class_name(snap, mv.from_class_id or s.class_id),
                    "counterpart": mv.counterpart,
                }
            )
        else:
            out["transfers"].append(
                {
                    **item,
                    "from_class": class_name(snap, mv.from_class_id),
                    "to_class": class_name(snap, mv.to_class_id),
                }
            )
    return {"period": {"start": fmt_date(start), "end": fmt_date(end)}, **out}


KIND = OrderKind(
    id="movement",
    kind_title="ПРИКАЗ",
    title="О движении обучающихся",
    retention="order-students",
    schema=SCHEMA,
    build=build,
    register=Register.STUDENTS,
    params=(
        Param("from", "С даты", ParamType.DATE, help="Если не указана — начало учебного года."),
        Param("to", "По дату", ParamType.DATE, help="Если не указана — дата среза журнала."),
    ),
)
