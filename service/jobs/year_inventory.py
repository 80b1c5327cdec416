"""The year close's last step: the year's inventory (опись) drawn up, signed and archived.

Contract: ``archive_year_inventory`` runs after a school-wide year close has archived its
documents, with the signer the close signed them with. It lists every archived record of the
school year from the catalog (``storage.year_inventory``), and when the latest archived inventory
of that year already says the same (its content key: the hash of its CSV) it returns that one:
re-running a close archives no new version. Otherwise it renders the PDF/A-3b with the CSV
embedded, signs it and archives it like any other document (a new version of the year's
inventory when one exists, with the reason). A failure leaves the documents archived; the
close's error says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.jobs.models import PeriodClose

YEAR_CLOSE = "year"


@dataclass(frozen=True)
class InventoryOutcome:
    """The archived inventory: its id, version, how many records it lists, whether reused."""

    document_id: str
    version: int
    documents: int
    reused: bool


def wants_inventory(close: PeriodClose) -> bool:
    """A year close of the whole school (or of its school-wide documents, «—»)."""
    return close.close_kind == YEAR_CLOSE and (close.classes is None or "—" in close.classes)


def archive_year_inventory(close: PeriodClose, prepared: Any, actor: str) -> InventoryOutcome:
    """Draw up, sign and archive the year's inventory (see the module docstring)."""
    from service.archive.wiring import get_archive
    from service.journal.store import load_snapshot
    from signing.pades import sign_with
    from storage.archive import DocumentMetadata
    from storage.year_inventory import (
        YEAR_INVENTORY,
        content_key,
        inventory_document_id,
        inventory_rows,
        render_inventory,
    )

    snapshot = load_snapshot(close.snapshot_id)
    school, year = snapshot.school.id, snapshot.year.id
    archive = get_archive()
    names = {p.id: p.name for p in snapshot.year.periods}
    names[YEAR_CLOSE] = close.period_name
    rows = inventory_rows(archive, school=school, year=year, period_names=names)
    key = content_key(rows)
    document_id = inventory_document_id(school, year)
    latest = archive.catalog.find_document(document_id)
    if latest is not None and latest.extra.get("content_key") == key:
        return InventoryOutcome(document_id, latest.version, len(rows), True)
    pdf = render_inventory(
        rows, school_name=snapshot.school.full_name, year=year, drafted=archive.now()
    )
    signed = sign_with(prepared, pdf)
    metadata = DocumentMetadata(
        document_id=document_id,
        school=school,
        year=year,
        period=YEAR_CLOSE,
        snapshot_id=close.snapshot_id,
        signer=actor,
        extra={
            "content_key": key,
            "close_id": str(close.id),
            "documents": str(len(rows)),
            "period_name": close.period_name,
        },
    )
    if latest is None:
        entry = archive.archive(signed, metadata, YEAR_INVENTORY, actor=actor)
    else:
        entry = archive.correct(
            document_id,
            signed,
            reason=f"в архив сданы новые документы за {close.period_name}",
            author=actor,
            metadata=metadata,
        )
    return InventoryOutcome(document_id, entry.version, len(rows), False)


def inventory_line(close: PeriodClose) -> str:
    """The report's Russian line about the year's inventory, or "" when the close has none."""
    if not wants_inventory(close):
        return ""
    from service.archive.wiring import get_archive
    from storage.year_inventory import inventory_document_id

    year = close.render_job.params.get("year", "") if close.render_job else ""
    entry = get_archive().catalog.find_document(inventory_document_id(close.school_id, year))
    if entry is None:
        return ""
    return (
        f"Опись электронных документов за {close.period_name}: версия {entry.version}, "
        f"документов в описи {entry.extra.get('documents', '?')} (PDF/A с таблицей CSV внутри)"
    )
