"""``MemoryCatalog``: the :class:`storage.catalog.Catalog` protocol kept in memory.

For using ``storage`` without a database: its own tests, scripts and experiments. It keeps the
same rules as the database catalog (one row per document version, the audit events in a hash
chain with a separately kept head) but nothing survives the process.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from storage.auditlog import GENESIS, seal
from storage.catalog import (
    DISPOSED,
    ArchivedDocument,
    AuditEvent,
    Catalog,
    EntryFilter,
    EventDraft,
)
from storage.errors import DocumentExists

UPDATABLE = frozenset(
    {
        "state",
        "version_a",
        "version_b",
        "retain_until",
        "lock_mode",
        "legal_hold",
        "retired",
        "extra",
        "signature_level",
        "timestamp_expires",
        "timestamp_hash",
    }
)
_FILTERED = ("kind", "school", "year", "class_id", "period", "document_id", "state")


class MemoryCatalog:
    """A catalog in this process's memory; safe to share between threads.

    Attributes:
        events: the sealed audit events in sequence order. Public so that a test can tamper
            with the log as someone with database access could.
        head: ``(seq, hash)`` of the last event, kept apart from ``events`` like the database
            catalog keeps it in its own row.
    """

    def __init__(self) -> None:
        self._rows: dict[int, ArchivedDocument] = {}
        self._state: dict[str, str] = {}
        self._lock = threading.RLock()
        self.events: list[AuditEvent] = []
        self.head: tuple[int, str] = (0, GENESIS)

    def _append(self, drafts: Sequence[EventDraft]) -> list[AuditEvent]:
        now = datetime.now(UTC)
        seq, prev = self.head
        sealed = []
        for draft in drafts:
            seq += 1
            event = seal(draft, seq, prev, now)
            sealed.append(event)
            prev = event.hash
        self.events.extend(sealed)
        self.head = (seq, prev)
        return sealed

    def add_entry(self, entry: ArchivedDocument, event: EventDraft) -> ArchivedDocument:
        """Insert a row and its event; :class:`DocumentExists` if that version is there."""
        with self._lock:
            if self.find_document(entry.document_id, entry.version) is not None:
                raise DocumentExists(
                    f"документ {entry.document_id} версии {entry.version} уже записан в каталог"
                )
            row = dataclasses.replace(
                entry,
                id=max(self._rows, default=0) + 1,
                created_at=entry.created_at or datetime.now(UTC),
                extra=dict(entry.extra),
                retired=tuple(entry.retired),
            )
            self._rows[row.id] = row
            self._append([dataclasses.replace(event, entry_id=row.id)])
            return row

    def update_entry(
        self, entry_id: int, changes: Mapping[str, Any], event: EventDraft | None
    ) -> ArchivedDocument:
        """Change fields of a row and record the event, atomically."""
        unknown = set(changes) - UPDATABLE
        if unknown:
            raise ValueError(f"fields cannot be changed: {sorted(unknown)}")
        with self._lock:
            values = dict(changes)
            if "retired" in values:
                values["retired"] = tuple(values["retired"])
            if "extra" in values:
                values["extra"] = dict(values["extra"])
            row = dataclasses.replace(self._rows[entry_id], **values)
            self._rows[entry_id] = row
            if event is not None:
                self._append([event])
            return row

    def get_entry(self, entry_id: int) -> ArchivedDocument | None:
        """A row by id."""
        return self._rows.get(entry_id)

    def find_document(
        self, document_id: str, version: int | None = None
    ) -> ArchivedDocument | None:
        """A version of a document (latest by default)."""
        with self._lock:
            rows = [r for r in self._rows.values() if r.document_id == document_id]
        if version:
            return next((r for r in rows if r.version == version), None)
        return max(rows, key=lambda r: r.version, default=None)

    def list_entries(self, filters: EntryFilter) -> Iterator[ArchivedDocument]:
        """Rows matching the filters, by id."""
        with self._lock:
            rows = sorted(self._rows.values(), key=lambda r: r.id)
        for row in rows:
            if any(
                getattr(filters, n) and getattr(filters, n) != getattr(row, n) for n in _FILTERED
            ):
                continue
            if row.state == DISPOSED and not filters.include_disposed and filters.state != DISPOSED:
                continue
            yield row

    def entries_after(self, entry_id: int, limit: int) -> list[ArchivedDocument]:
        """Up to ``limit`` live rows after ``entry_id``."""
        with self._lock:
            rows = sorted(self._rows.values(), key=lambda r: r.id)
        return [r for r in rows if r.id > entry_id and r.state != DISPOSED][:limit]

    def count_by_state(self) -> dict[str, int]:
        """Rows per state."""
        counts: dict[str, int] = {}
        with self._lock:
            for row in self._rows.values():
                counts[row.state] = counts.get(row.state, 0) + 1
        return counts

    def get_state(self, name: str) -> str | None:
        """A named value."""
        return self._state.get(name)

    def set_state(self, name: str, value: str) -> None:
        """Store a named value."""
        with self._lock:
            self._state[name] = value

    def append_events(self, events: Sequence[EventDraft]) -> list[AuditEvent]:
        """Seal and append events atomically."""
        with self._lock:
            return self._append(events) if events else []

    def iter_events(self) -> Iterator[AuditEvent]:
        """Every event in order."""
        with self._lock:
            events = list(self.events)
        yield from events

    def chain_head(self) -> tuple[int, str]:
        """The separately kept head of the chain."""
        return self.head


if TYPE_CHECKING:  # mypy checks here that the class keeps up with the protocol
    _IS_A_CATALOG: Catalog = MemoryCatalog()
