"""The current journal snapshot of a school, loaded once per process until a newer import."""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_by_school: dict[str, Any] = {}


def current_snapshot(school_id: str) -> Any:
    """The latest imported snapshot of a school (``snapshot.Snapshot``), or ``None``."""
    from service.journal import store

    latest_id = latest_snapshot_id(school_id)
    if latest_id is None:
        return None
    cached = _by_school.get(school_id)
    if cached is not None and cached.snapshot_id == latest_id:
        return cached
    with _lock:
        cached = _by_school.get(school_id)
        if cached is None or cached.snapshot_id != latest_id:
            cached = store.load_snapshot(latest_id)
            _by_school[school_id] = cached
    return cached


def latest_snapshot_id(school_id: str) -> str | None:
    """The id of the school's newest snapshot (same order as ``store.latest_snapshot``), cheaply."""
    from service.journal.models import Snapshot as SnapshotRow

    rows = SnapshotRow.objects.filter(school__external_id=school_id).order_by("-as_of", "-id")
    return rows.values_list("sha256", flat=True).first()


def forget() -> None:
    """Drop cached snapshots (tests, after an import in this process)."""
    _by_school.clear()
