"""Archive figures for the dashboard: documents, pending replication, the last fixity audit."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from service.web.labels import store


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
    from service.archive.catalog import DjangoCatalog
    from service.archive.models import Entry

    rows = Entry.objects.filter(school=school_id).exclude(state="disposed")
    documents = rows.count()
    pending = rows.filter(state="pending_replication").count()
    raw = DjangoCatalog().get_state("last_audit")
    if not raw:
        return ArchiveStatus(True, documents, pending)
    try:
        last: dict[str, Any] = json.loads(raw)
        finished = dt.datetime.fromisoformat(last["finished"])
    except (ValueError, KeyError, TypeError):
        return ArchiveStatus(True, documents, pending, last_audit_summary="нет данных")
    problems = int(last.get("findings", 0)) - int(last.get("repaired", 0))
    problems += int(last.get("both_bad", 0)) + len(last.get("unavailable", []))
    summary = (
        f"{'полная' if last.get('full') else 'выборочная'}: проверено {last.get('checked', 0)}, "
        f"замечаний {last.get('findings', 0)}, исправлено {last.get('repaired', 0)}"
    )
    if last.get("unavailable"):
        summary += ", недоступны: " + ", ".join(store(name) for name in last["unavailable"])
    return ArchiveStatus(True, documents, pending, finished, problems == 0, summary)
