"""Регламент ведения электронного классного журнала: deadlines and the year's periods."""

from __future__ import annotations

from typing import Any

from service.orders.context import ContextRequest, approval, fmt_date, responsibles
from service.orders.kind import APPROVAL_PARAMS, RESPONSIBLE_PARAMS, OrderKind
from service.orders.schema import APPROVAL, RESPONSIBLES
from service.policy_text import deadline_wording

SCHEMA = {
    **RESPONSIBLES,
    **APPROVAL,
    "deadlines": {"marks": None, "homework": None, "written": None, "tests": None},
    "periods": [{"name": None, "start": None, "end": None}],
}


def build(req: ContextRequest) -> dict[str, Any]:
    """The responsibles, the approving order, the policy's entry deadlines and the periods."""
    return {
        **responsibles(req),
        **approval(req),
        "deadlines": deadline_wording(req.policy.deadlines).as_dict(),
        "periods": [
            {"name": p.name, "start": fmt_date(p.start), "end": fmt_date(p.end)}
            for p in req.snapshot.year.periods
        ],
    }


KIND = OrderKind(
    id="rules-journal",
    kind_title="РЕГЛАМЕНТ",
    title="ведения электронного классного журнала",
    retention="regulation",
    schema=SCHEMA,
    build=build,
    params=RESPONSIBLE_PARAMS + APPROVAL_PARAMS,
)
