"""The transfer order a year close drafts from the council's decisions (one per school year).

Contract: ``draft_transfer_order`` takes the snapshot and who runs the close; it finds the
transfer order an earlier year close drafted for the same school and year and returns it
unchanged when the council's decisions it lists are the same (their key, ``decisions_key``, is
kept in the order's params). When a corrected import changed them, a draft not yet issued (no
signed copy in the archive) is rebuilt in place: the same document id, register number and date,
the new DOCX, the earlier DOCX kept beside it as ``document.rN.docx``, and a line in the order's
history (``params["history"]``, shown on its page). An order already issued is left as signed:
its history and the closing report say that an amending order (приказ о внесении изменений) is
needed, and what changed. Otherwise it makes a new one through
``service.orders.produce.make_document`` (which takes the next number of the students' register
in its own short transaction) and keeps its DOCX under the data directory, where the orders page
shows it for review, conversion and the director's signature. The close neither signs nor
archives the draft: an order is signed once the director has read it, and it is archived from
the orders page like any other order. Nothing is written when the order cannot be built (no
decisions): the error says why and no number is taken.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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
    """A drafted order: its id, Russian title, register number, date, whether it was reused,
    whether it was rebuilt from changed decisions, and a Russian notice for the close's report
    (an issued order whose decisions changed)."""

    document_id: str
    title: str
    number: str
    date: dt.date
    reused: bool
    rebuilt: bool = False
    notice: str = ""


def decisions_key(snapshot: Snapshot) -> str:
    """A hash of what the transfer order lists: decisions with their students and council."""
    students = snapshot.student_by_id
    rows = []
    for d in snapshot.decisions:
        if d.decision not in _TRANSFER_DECISIONS:
            continue
        who = students.get(d.student_id)
        rows.append(
            [
                d.student_id,
                str(d.decision),
                d.note,
                d.council_protocol,
                d.council_date.isoformat() if d.council_date else "",
                getattr(who, "class_id", ""),
                " ".join(
                    str(getattr(who, f, "")) for f in ("last_name", "first_name", "middle_name")
                ),
            ]
        )
    data = json.dumps(sorted(rows), ensure_ascii=False).encode()
    return hashlib.sha256(data).hexdigest()


def _what_changed(old: dict[str, Any], snapshot: Snapshot) -> str:
    """«решения педсовета изменились (протокол № 5 от 28.05.2025)» — for the history."""
    protocol, council_date = council_of(snapshot)
    if not protocol:
        return "решения педсовета изменились"
    day = f" от {council_date:%d.%m.%Y}" if council_date else ""
    return f"решения педсовета изменились (протокол № {protocol}{day})"


def _history_line(by: str, what: str) -> dict[str, str]:
    from django.utils import timezone

    return {"at": timezone.localtime().strftime("%d.%m.%Y %H:%M"), "by": by, "what": what}


def is_issued(document_id: str) -> bool:
    """Whether the order was signed and handed to the archive (then it is no longer a draft)."""
    from service.archive.wiring import get_archive

    return get_archive().catalog.find_document(document_id) is not None


def _council_params(snapshot: Snapshot) -> dict[str, str]:
    protocol, council_date = council_of(snapshot)
    params = {"source": SOURCE}
    if protocol:
        params["council_protocol"] = protocol
    if council_date is not None:
        params["council_date"] = council_date.isoformat()
    return params


def rebuild_draft(found: Any, snapshot: Snapshot, user: str) -> DraftOrder:
    """Render the draft again from ``snapshot`` with its own id, number and date; keep the
    earlier DOCX beside it and write the change into the order's history."""
    import dataclasses

    from django.db import transaction

    from service.orders.context import ContextRequest, build_context, order_meta
    from service.orders.files import output_dir, store
    from service.orders.kinds import get_kind
    from service.orders.models import IssuedDocument
    from service.orders.produce import render_template
    from service.orders.versions import active_template
    from service.policy import school_policy

    kind = get_kind(TRANSFER)
    template = active_template(snapshot.school.id, kind)
    params = {**_council_params(snapshot), "decisions_key": decisions_key(snapshot)}
    meta = order_meta(snapshot, kind, found.document_id, found.date)
    meta = dataclasses.replace(meta, number=found.number, template_version=template.label)
    docx = render_template(
        template, build_context(ContextRequest(kind, snapshot, meta, params, school_policy()))
    )
    folder = output_dir(found.document_id)
    history = list((found.params or {}).get("history", []))
    revision = sum(1 for h in history if h.get("file")) + 1
    earlier = folder / "document.docx"
    kept = f"document.r{revision}.docx"
    if earlier.is_file():
        (folder / kept).write_bytes(earlier.read_bytes())
    line = _history_line(
        user, f"проект пересобран: {_what_changed(found.params or {}, snapshot)}; номер сохранён"
    )
    line["file"] = kept
    params["history"] = [*history, line]
    with transaction.atomic():
        store(found.document_id, docx, None)
        (folder / "document.pdf").unlink(missing_ok=True)  # made from the earlier DOCX
        IssuedDocument.objects.filter(pk=found.pk).update(
            params=params,
            docx_sha256=hashlib.sha256(docx).hexdigest(),
            pdf_sha256="",
            template_version=template.version,
            template_label=template.label,
        )
    return DraftOrder(found.document_id, found.title, found.number, found.date, False, True)


def _issued_notice(found: Any, snapshot: Snapshot, key: str, user: str) -> DraftOrder:
    """The order is signed: record once per change that an amending order is needed."""
    from service.orders.models import IssuedDocument

    notice = (
        f"Приказ № {found.number} от {found.date:%d.%m.%Y} уже подписан и сдан в архив, "
        f"а {_what_changed(found.params or {}, snapshot)}: подготовьте приказ о внесении "
        f"изменений в приказ № {found.number} (раздел «Приказы»)"
    )
    params = dict(found.params or {})
    if params.get("pending_decisions_key") != key:
        params["pending_decisions_key"] = key
        params["history"] = [
            *params.get("history", []),
            _history_line(
                user,
                f"после подписания {_what_changed(params, snapshot)}; нужен "
                "приказ о внесении изменений",
            ),
        ]
        IssuedDocument.objects.filter(pk=found.pk).update(params=params)
    return DraftOrder(found.document_id, found.title, found.number, found.date, True, False, notice)


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
    from service.orders.models import IssuedDocument
    from service.orders.produce import OrderRequest, make_document

    key = decisions_key(snapshot)
    found = existing_draft(snapshot)
    if found is not None:
        known = (found.params or {}).get("decisions_key")
        if known is None:  # drafted before the key was kept: adopt the current decisions
            IssuedDocument.objects.filter(pk=found.pk).update(
                params={**(found.params or {}), "decisions_key": key}
            )
        if known in (None, key):
            return DraftOrder(found.document_id, found.title, found.number, found.date, True)
        if is_issued(found.document_id):
            return _issued_notice(found, snapshot, key, user)
        return rebuild_draft(found, snapshot, user)
    _, council_date = council_of(snapshot)
    params = {**_council_params(snapshot), "decisions_key": key}
    day = council_date or min(snapshot.year.end, snapshot.as_of)
    made = make_document(
        snapshot, OrderRequest(TRANSFER, params, date=day, user=user, convert=False)
    )
    store(made.document_id, made.docx, None)
    return DraftOrder(made.document_id, made.title, made.number, made.date, False)
