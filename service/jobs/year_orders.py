"""The transfer order a year close drafts from the council's decisions (one per school year).

Contract: ``draft_transfer_order`` takes the snapshot and who runs the close; it finds the
transfer order an earlier year close drafted for the same school and year and returns it
unchanged, or makes a new one through ``service.orders.produce.make_document`` (which takes the
next number of the students' register in its own short transaction) and keeps its DOCX under the
data directory, where the orders page shows it for review, conversion and the director's
signature. The close neither signs nor archives the draft: an order is signed once the director
has read it, and it is archived from the orders page like any other order. Nothing is written
when the order cannot be built (no decisions): the error says why and no number is taken.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from service.journal.snapshot import Decision, Snapshot

TRANSFER = "transfer"
SOURCE = "year-close"
"""``IssuedDocument.params["source"]`` of the transfer order drafted by a year close."""

_TRANSFER_DECISIONS = (
    Decision.PROMOTED,
    Decision.CONDITIONALLY_PROMOTED,
    Decision.RETAINED,
    Decision.GRADUATED,
)


@dataclass(frozen=True)
class DraftOrder:
    """A drafted order: its id, Russian title, register number, date and whether it was reused."""

    document_id: str
    title: str
    number: str
    date: dt.date
    reused: bool


def has_transfer_decisions(snapshot: Snapshot) -> bool:
    """Whether the journal has council decisions a transfer order lists."""
    return any(d.decision in _TRANSFER_DECISIONS for d in snapshot.decisions)


def council_of(snapshot: Snapshot) -> tuple[str, dt.date | None]:
    """The council protocol and date most decisions cite (``("", None)`` when none do)."""
    cited = Counter(
        (d.council_protocol, d.council_date)
        for d in snapshot.decisions
        if d.decision in _TRANSFER_DECISIONS and d.council_protocol
    )
    if not cited:
        return "", None
    return cited.most_common(1)[0][0]


def existing_draft(snapshot: Snapshot) -> Any:
    """The transfer order a year close drafted for this school and year, or None."""
    from service.orders.models import IssuedDocument

    rows = IssuedDocument.objects.filter(
        school_id=snapshot.school.id, year_id=snapshot.year.id, kind=TRANSFER
    ).order_by("created_at", "pk")
    return next((r for r in rows if (r.params or {}).get("source") == SOURCE), None)


def draft_transfer_order(snapshot: Snapshot, user: str = "") -> DraftOrder:
    """The year's transfer order, drafted once: see the module docstring."""
    from service.orders.files import store
    from service.orders.produce import OrderRequest, make_document

    found = existing_draft(snapshot)
    if found is not None:
        return DraftOrder(found.document_id, found.title, found.number, found.date, True)
    protocol, council_date = council_of(snapshot)
    params = {"source": SOURCE}
    if protocol:
        params["council_protocol"] = protocol
    if council_date is not None:
        params["council_date"] = council_date.isoformat()
    day = council_date or min(snapshot.year.end, snapshot.as_of)
    made = make_document(
        snapshot, OrderRequest(TRANSFER, params, date=day, user=user, convert=False)
    )
    store(made.document_id, made.docx, None)
    return DraftOrder(made.document_id, made.title, made.number, made.date, False)
