"""The current journal snapshot of a school, loaded once per process until a newer import."""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_by_school: dict[str, Any] = {}


def current_snapshot(school_id: str) -> Any:
    """The latest imported snapshot of a school (``model.Snapshot``), or ``None``."""
    try:
        from service.journal import store
    except ImportError:  # the snapshot store has not landed in this build
        return None
    latest_id = store.latest_snapshot_id(school_id=school_id)
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


def forget() -> None:
    """Drop cached snapshots (tests, after an import in this process)."""
    _by_school.clear()
