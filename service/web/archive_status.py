"""Archive figures for the dashboard: documents, pending replication, the last fixity audit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ArchiveStatus:
    available: bool
    documents: int = 0
    pending_replication: int = 0
    last_audit_at: Any = None
    last_audit_ok: bool | None = None
    last_audit_summary: str = ""


def archive_status(school_id: str) -> ArchiveStatus:
    """Counts from the archive catalog for one school, and the archive's last fixity audit."""
    from service.archive.models import AuditEvent, Entry

    rows = Entry.objects.filter(school=school_id).exclude(state="disposed")
    documents = rows.count()
    pending = rows.filter(state="pending_replication").count()
    last = (
        AuditEvent.objects.filter(kind__in=("fixity_audit", "audit", "fixity"))
        .order_by("-seq")
        .first()
    )
    if last is None:
        return ArchiveStatus(True, documents, pending)
    detail: dict[str, Any] = last.detail if isinstance(last.detail, dict) else {}
    if isinstance(last.detail, str):
        try:
            detail = json.loads(last.detail)
        except ValueError:
            detail = {}
    problems = sum(int(detail.get(k, 0) or 0) for k in ("missing", "damaged", "unknown", "failed"))
    summary = ", ".join(f"{k}: {v}" for k, v in detail.items() if isinstance(v, int | str))[:300]
    return ArchiveStatus(True, documents, pending, last.at, problems == 0, summary)
