"""Archive figures for the dashboard: pending replication, last fixity audit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArchiveStatus:
    available: bool
    documents: int = 0
    pending_replication: int = 0
    last_audit_at: object = None
    last_audit_ok: bool | None = None
    last_audit_summary: str = ""


def archive_status(school_id: str) -> ArchiveStatus:
    """Counts from the archive catalog, or ``available=False`` when the archive is not installed."""
    try:
        from service.archive import status as archive_catalog_status
    except ImportError:
        return ArchiveStatus(available=False)
    return archive_catalog_status.for_school(school_id)
