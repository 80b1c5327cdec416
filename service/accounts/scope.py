"""What a teacher teaches, from the journal snapshot: led classes and (class, subject) pairs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TeachingScope:
    """Classes a staff member leads as class teacher and the (class, subject) pairs they teach."""

    led_classes: frozenset[str] = frozenset()
    taught: frozenset[tuple[str, str]] = frozenset()

    @property
    def taught_classes(self) -> frozenset[str]:
        return frozenset(c for c, _ in self.taught)


EMPTY = TeachingScope()
_cache: dict[tuple[str, str], TeachingScope] = {}


def scope_from_snapshot(snapshot: Any, staff_id: str) -> TeachingScope:
    """The teaching scope of ``staff_id`` in a snapshot."""
    if not staff_id:
        return EMPTY
    led = frozenset(c.id for c in snapshot.classes if c.teacher_id == staff_id)
    taught = frozenset(
        (a.class_id, a.subject_id) for a in snapshot.assignments if a.teacher_id == staff_id
    )
    return TeachingScope(led_classes=led, taught=taught)


def teaching_scope(school_id: str, staff_id: str, snapshot: Any = None) -> TeachingScope:
    """The scope of a staff member in ``snapshot`` or in the latest snapshot of the school."""
    if snapshot is None:
        from service.accounts.snapshots import current_snapshot

        snapshot = current_snapshot(school_id)
        if snapshot is None:
            return EMPTY
    key = (snapshot.snapshot_id, staff_id)
    if snapshot.snapshot_id and key in _cache:
        return _cache[key]
    scope = scope_from_snapshot(snapshot, staff_id)
    if snapshot.snapshot_id:
        _cache[key] = scope
    return scope
