"""The catalog interface the archive writes to (implemented by ``service.archive`` on Django).

``storage`` never imports Django: it sees the catalog only through :class:`Catalog`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

ARCHIVED = "archived"
PENDING = "pending_replication"
DISPOSED = "disposed"
STATES = (ARCHIVED, PENDING, DISPOSED)


@dataclass(frozen=True)
class ArchivedDocument:
    """One catalog row: one version of one document and where its two copies are."""

    id: int
    document_id: str
    version: int
    kind: str
    key: str
    sha256: str
    size: int
    state: str
    version_a: str | None
    version_b: str | None
    school: str = ""
    year: str = ""
    class_id: str = ""
    period: str = ""
    snapshot_id: str = ""
    signer: str = ""
    retain_until: datetime | None = None
    lock_mode: str | None = None
    legal_hold: bool = False
    replaces_id: int | None = None
    reason: str = ""
    author: str = ""
    created_at: datetime | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    retired: tuple[str, ...] = ()
    signature_level: str = ""
    """``B-B`` … ``B-LTA``, ``none`` for an unsigned record, ``""`` while not yet scanned."""
    timestamp_expires: datetime | None = None
    """When the TSA certificate of the last document time stamp expires (B-LTA records)."""
    timestamp_hash: str = ""
    """The hash algorithm of the last document time stamp (``sha256``…)."""

    def copy_version(self, letter: str) -> str | None:
        """The catalog's version id of copy ``A`` or ``B``."""
        return self.version_a if letter == "A" else self.version_b


@dataclass(frozen=True)
class EventDraft:
    """An audit event before it is sealed into the chain."""

    kind: str
    document_id: str = ""
    entry_id: int | None = None
    actor: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditEvent:
    """A sealed audit event: ``hash`` covers the fields and ``prev_hash``."""

    seq: int
    at: datetime
    kind: str
    document_id: str
    entry_id: int | None
    actor: str
    detail: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class EntryFilter:
    """Filters for listing catalog rows (empty = any)."""

    kind: str = ""
    school: str = ""
    year: str = ""
    class_id: str = ""
    period: str = ""
    document_id: str = ""
    state: str = ""
    include_disposed: bool = False


class Catalog(Protocol):
    """What the archive needs from the catalog database."""

    def add_entry(self, entry: ArchivedDocument, event: EventDraft) -> ArchivedDocument:
        """Insert a row (``entry.id`` is ignored) and its audit event in one transaction."""
        ...

    def update_entry(
        self, entry_id: int, changes: Mapping[str, Any], event: EventDraft | None
    ) -> ArchivedDocument:
        """Change fields of a row (copies, state, lock, retired) and record an event, atomically."""
        ...

    def get_entry(self, entry_id: int) -> ArchivedDocument | None:
        """A row by its id."""
        ...

    def find_document(
        self, document_id: str, version: int | None = None
    ) -> ArchivedDocument | None:
        """A version of a document (``None``: the latest)."""
        ...

    def list_entries(self, filters: EntryFilter) -> Iterator[ArchivedDocument]:
        """Rows matching ``filters`` ordered by id."""
        ...

    def entries_after(self, entry_id: int, limit: int) -> list[ArchivedDocument]:
        """Up to ``limit`` non-disposed rows with id greater than ``entry_id``, by id."""
        ...

    def count_by_state(self) -> dict[str, int]:
        """Number of rows per state."""
        ...

    def get_state(self, name: str) -> str | None:
        """A small named value (audit cursor, last audit summary…)."""
        ...

    def set_state(self, name: str, value: str) -> None:
        """Store a small named value."""
        ...

    def append_events(self, events: Sequence[EventDraft]) -> list[AuditEvent]:
        """Seal and append events to the hash chain, atomically."""
        ...

    def iter_events(self) -> Iterator[AuditEvent]:
        """Every event in sequence order."""
        ...

    def chain_head(self) -> tuple[int, str]:
        """``(seq, hash)`` of the last event, kept separately (``(0, GENESIS)`` when empty)."""
        ...
