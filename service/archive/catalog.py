"""``DjangoCatalog``: the Django implementation of :class:`storage.catalog.Catalog`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count

from service.archive import models
from storage.auditlog import GENESIS, seal
from storage.catalog import DISPOSED, ArchivedDocument, AuditEvent, EntryFilter, EventDraft
from storage.errors import DocumentExists

_UPDATABLE = {
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


def _to_entry(row: models.Entry) -> ArchivedDocument:
    return ArchivedDocument(
        id=row.id,
        document_id=row.document_id,
        version=row.version,
        kind=row.kind,
        key=row.key,
        sha256=row.sha256,
        size=row.size,
        state=row.state,
        version_a=row.version_a,
        version_b=row.version_b,
        school=row.school,
        year=row.year,
        class_id=row.class_id,
        period=row.period,
        snapshot_id=row.snapshot_id,
        signer=row.signer,
        retain_until=row.retain_until,
        lock_mode=row.lock_mode,
        legal_hold=row.legal_hold,
        replaces_id=row.replaces_id,
        reason=row.reason,
        author=row.author,
        created_at=row.created_at,
        extra=dict(row.extra or {}),
        retired=tuple(row.retired or ()),
        signature_level=row.signature_level,
        timestamp_expires=row.timestamp_expires,
        timestamp_hash=row.timestamp_hash,
    )


def _to_event(row: models.AuditEvent) -> AuditEvent:
    return AuditEvent(
        seq=row.seq,
        at=row.at,
        kind=row.kind,
        document_id=row.document_id,
        entry_id=row.entry_id,
        actor=row.actor,
        detail=row.detail,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class DjangoCatalog:
    """The catalog in the application's database (SQLite or PostgreSQL)."""

    def _append(self, drafts: Sequence[EventDraft]) -> list[AuditEvent]:
        # Must run inside transaction.atomic(): the head row lock serialises writers on PostgreSQL.
        head = models.ChainHead.objects.select_for_update().filter(id=1).first()
        if head is None:
            # The first event ever: two writers must not both start the chain (nothing to lock
            # yet); the loser of the insert waits for the winner's row and locks it.
            models.ChainHead.objects.get_or_create(id=1, defaults={"seq": 0, "hash": GENESIS})
            head = models.ChainHead.objects.select_for_update().get(id=1)
        now = datetime.now(UTC)
        sealed: list[AuditEvent] = []
        seq, prev = head.seq, head.hash
        for draft in drafts:
            seq += 1
            event = seal(draft, seq, prev, now)
            sealed.append(event)
            prev = event.hash
        models.AuditEvent.objects.bulk_create(
            [
                models.AuditEvent(
                    seq=e.seq,
                    at=e.at,
                    kind=e.kind,
                    document_id=e.document_id,
                    entry_id=e.entry_id,
                    actor=e.actor,
                    detail=e.detail,
                    prev_hash=e.prev_hash,
                    hash=e.hash,
                )
                for e in sealed
            ]
        )
        head.seq, head.hash = seq, prev
        head.save()
        return sealed

    def add_entry(self, entry: ArchivedDocument, event: EventDraft) -> ArchivedDocument:
        """Insert a row and its event in one transaction."""
        try:
            with transaction.atomic():
                row = self._insert(entry, event)
        except IntegrityError:
            # Two writers archived the same document version at once; the first one won.
            raise DocumentExists(
                f"документ {entry.document_id} версии {entry.version} уже записан в каталог"
            ) from None
        return _to_entry(row)

    def _insert(self, entry: ArchivedDocument, event: EventDraft) -> models.Entry:
        """Insert the row and its event (the caller holds the transaction)."""
        row = models.Entry.objects.create(
            document_id=entry.document_id,
            version=entry.version,
            kind=entry.kind,
            key=entry.key,
            sha256=entry.sha256,
            size=entry.size,
            state=entry.state,
            version_a=entry.version_a,
            version_b=entry.version_b,
            school=entry.school,
            year=entry.year,
            class_id=entry.class_id,
            period=entry.period,
            snapshot_id=entry.snapshot_id,
            signer=entry.signer,
            retain_until=entry.retain_until,
            lock_mode=entry.lock_mode,
            legal_hold=entry.legal_hold,
            replaces_id=entry.replaces_id,
            reason=entry.reason,
            author=entry.author,
            created_at=entry.created_at or datetime.now(UTC),
            extra=dict(entry.extra),
            retired=list(entry.retired),
            signature_level=entry.signature_level,
            timestamp_expires=entry.timestamp_expires,
            timestamp_hash=entry.timestamp_hash,
        )
        self._append([EventDraft(event.kind, event.document_id, row.id, event.actor, event.detail)])
        return row

    def update_entry(
        self, entry_id: int, changes: Mapping[str, Any], event: EventDraft | None
    ) -> ArchivedDocument:
        """Change fields of a row and record the event, atomically."""
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"fields cannot be changed: {sorted(unknown)}")
        with transaction.atomic():
            row = models.Entry.objects.select_for_update().get(id=entry_id)
            for name, value in changes.items():
                setattr(row, name, list(value) if name == "retired" else value)
            row.save(update_fields=list(changes))
            if event is not None:
                self._append([event])
        return _to_entry(row)

    def get_entry(self, entry_id: int) -> ArchivedDocument | None:
        """A row by id."""
        row = models.Entry.objects.filter(id=entry_id).first()
        return _to_entry(row) if row else None

    def find_document(
        self, document_id: str, version: int | None = None
    ) -> ArchivedDocument | None:
        """A version of a document (latest by default)."""
        rows = models.Entry.objects.filter(document_id=document_id)
        row = rows.filter(version=version).first() if version else rows.order_by("-version").first()
        return _to_entry(row) if row else None

    def list_entries(self, filters: EntryFilter) -> Iterator[ArchivedDocument]:
        """Rows matching the filters, by id."""
        rows = models.Entry.objects.all().order_by("id")
        for name in ("kind", "school", "year", "class_id", "period", "document_id", "state"):
            value = getattr(filters, name)
            if value:
                rows = rows.filter(**{name: value})
        if not filters.include_disposed and filters.state != DISPOSED:
            rows = rows.exclude(state=DISPOSED)
        for row in rows.iterator(chunk_size=500):
            yield _to_entry(row)

    def entries_after(self, entry_id: int, limit: int) -> list[ArchivedDocument]:
        """Up to ``limit`` live rows after ``entry_id``."""
        rows = (
            models.Entry.objects.filter(id__gt=entry_id)
            .exclude(state=DISPOSED)
            .order_by("id")[:limit]
        )
        return [_to_entry(r) for r in rows]

    def count_by_state(self) -> dict[str, int]:
        """Rows per state."""
        return {
            r["state"]: r["n"] for r in models.Entry.objects.values("state").annotate(n=Count("id"))
        }

    def get_state(self, name: str) -> str | None:
        """A named value."""
        row = models.StateValue.objects.filter(name=name).first()
        return row.value if row else None

    def set_state(self, name: str, value: str) -> None:
        """Store a named value."""
        models.StateValue.objects.update_or_create(name=name, defaults={"value": value})

    def append_events(self, events: Sequence[EventDraft]) -> list[AuditEvent]:
        """Seal and append events atomically."""
        if not events:
            return []
        with transaction.atomic():
            return self._append(events)

    def iter_events(self) -> Iterator[AuditEvent]:
        """Every event in order."""
        for row in models.AuditEvent.objects.order_by("seq").iterator(chunk_size=1000):
            yield _to_event(row)

    def chain_head(self) -> tuple[int, str]:
        """The separately kept head of the chain."""
        head = models.ChainHead.objects.filter(id=1).first()
        return (head.seq, head.hash) if head else (0, GENESIS)
