"""Положение об электронном классном журнале, approved by an order."""

from __future__ import annotations

from typing import Any

from service.orders.context import ContextRequest, approval, responsibles
from service.orders.kind import APPROVAL_PARAMS, RESPONSIBLE_PARAMS, OrderKind
from service.orders.schema import APPROVAL, RESPONSIBLES
from service.policy_text import deadline_wording

SCHEMA = {
    **RESPONSIBLES,
    **APPROVAL,
    "backup_period": None,
    "printout_period": None,
    "deadlines": {"marks": None, "homework": None, "written": None, "tests": None},
}


def build(req: ContextRequest) -> dict[str, Any]:
    """The responsibles, the approving order, backup and printout periods, the deadlines."""
    return {
        "deadlines": deadline_wording(req.policy.deadlines).as_dict(),
        **responsibles(req),
        **approval(req),
        "backup_period": "еженедельно",
        "printout_period": "по окончании каждой четверти (полугодия)",
    }


KIND = OrderKind(
    id="regulation-journal",
    kind_title="ПОЛОЖЕНИЕ",
    title="об электронном классном журнале",
    retention="regulation",
    schema=SCHEMA,
    build=build,
    params=RESPONSIBLE_PARAMS + APPROVAL_PARAMS,
)
