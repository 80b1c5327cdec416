"""What every implementation of :class:`storage.catalog.Catalog` must do, as a test base class.

Subclasses named ``Test…`` provide a ``catalog`` fixture: the in-memory catalog in
``tests/storage``, the Django catalog (SQLite or PostgreSQL) in ``tests/archive``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.auditlog import GENESIS, verify_log
from storage.catalog import (
    ARCHIVED,
    DISPOSED,
    PENDING,
    ArchivedDocument,
    Catalog,
    EntryFilter,
    EventDraft,
)
from storage.errors import DocumentExists


def row(document_id: str, version: int = 1, **fields: object) -> ArchivedDocument:
    """A catalog row before insertion (its id is given by the catalog)."""
    base: dict[str, object] = {
        "id": 0,
        "document_id": document_id,
        "version": version,
        "kind": "journal-printout",
        "key": f"sch-1/{document_id}/v{version}.pdf",
        "sha256": "ab" * 32,
        "size": 10,
        "state": ARCHIVED,
        "version_a": "va",
        "version_b": "vb",
        "school": "sch-1",
        "period": "q1",
    }
    base.update(fields)
    return ArchivedDocument(**base)  # type: ignore[arg-type]


class CatalogContract:
    """The catalog contract; ``catalog`` is a fresh, empty catalog."""

    def test_an_added_row_is_found_by_id_and_document(self, catalog: Catalog) -> None:
        """GIVEN two versions WHEN looked up THEN by id, by version, and the latest by default."""
        first = catalog.add_entry(row("d-1"), EventDraft("ingest", "d-1"))
        second = catalog.add_entry(
            row("d-1", 2, extra={"note": "исправление"}), EventDraft("ingest", "d-1")
        )
        assert first.id != second.id and first.created_at is not None
        assert catalog.get_entry(first.id) == first
        assert catalog.find_document("d-1") == second
        assert catalog.find_document("d-1", 1) == first
        assert catalog.find_document("d-1", 3) is None and catalog.find_document("d-9") is None
        assert dict(second.extra) == {"note": "исправление"}

    def test_the_same_version_twice_is_refused(self, catalog: Catalog) -> None:
        catalog.add_entry(row("d-1"), EventDraft("ingest", "d-1"))
        with pytest.raises(DocumentExists):
            catalog.add_entry(row("d-1", sha256="cd" * 32), EventDraft("ingest", "d-1"))
        assert len(list(catalog.list_entries(EntryFilter()))) == 1
        assert [e.kind for e in catalog.iter_events()] == ["ingest"]

    def test_filters_and_disposed_rows(self, catalog: Catalog) -> None:
        """Filters match exactly; disposed rows are listed only when asked for."""
        a = catalog.add_entry(row("a", period="q1"), EventDraft("ingest", "a"))
        b = catalog.add_entry(
            row("b", period="q2", kind="control-report"), EventDraft("ingest", "b")
        )
        c = catalog.add_entry(row("c", state=PENDING), EventDraft("ingest", "c"))
        catalog.update_entry(a.id, {"state": DISPOSED}, None)
        ids = [e.document_id for e in catalog.list_entries(EntryFilter())]
        assert ids == ["b", "c"]
        assert [e.document_id for e in catalog.list_entries(EntryFilter(period="q2"))] == ["b"]
        assert [e.document_id for e in catalog.list_entries(EntryFilter(state=DISPOSED))] == ["a"]
        everything = catalog.list_entries(EntryFilter(include_disposed=True))
        assert [e.document_id for e in everything] == ["a", "b", "c"]
        assert [e.id for e in catalog.entries_after(0, 10)] == [b.id, c.id]
        assert [e.id for e in catalog.entries_after(b.id, 10)] == [c.id]
        assert catalog.entries_after(0, 1) == [catalog.get_entry(b.id)]
        assert catalog.count_by_state() == {DISPOSED: 1, ARCHIVED: 1, PENDING: 1}

    def test_update_changes_only_the_allowed_fields_and_records_the_event(
        self, catalog: Catalog
    ) -> None:
        entry = catalog.add_entry(row("d-1", version_b=None, state=PENDING), EventDraft("ingest"))
        until = datetime(2031, 9, 1, tzinfo=UTC)
        changed = catalog.update_entry(
            entry.id,
            {"version_b": "vb2", "state": ARCHIVED, "retain_until": until, "retired": ["old"]},
            EventDraft("replicate", "d-1", entry.id),
        )
        assert (changed.version_b, changed.state, changed.retain_until) == ("vb2", ARCHIVED, until)
        assert tuple(changed.retired) == ("old",) and catalog.get_entry(entry.id) == changed
        assert [e.kind for e in catalog.iter_events()] == ["ingest", "replicate"]
        with pytest.raises(ValueError, match="sha256"):
            catalog.update_entry(entry.id, {"sha256": "00" * 32}, None)

    def test_named_values(self, catalog: Catalog) -> None:
        assert catalog.get_state("cursor") is None
        catalog.set_state("cursor", "7")
        catalog.set_state("cursor", "9")
        assert catalog.get_state("cursor") == "9"

    def test_events_form_a_chain_with_a_separate_head(self, catalog: Catalog) -> None:
        """GIVEN events from rows and on their own THEN sequence numbers run on and verify."""
        assert catalog.chain_head() == (0, GENESIS) and catalog.append_events([]) == []
        entry = catalog.add_entry(row("d-1"), EventDraft("ingest", "d-1", actor="архивариус"))
        sealed = catalog.append_events(
            [EventDraft("export", detail={"year": "2025/2026"}), EventDraft("access", "d-1")]
        )
        events = list(catalog.iter_events())
        assert [e.seq for e in events] == [1, 2, 3] and events[1:] == sealed
        assert events[0].entry_id == entry.id and events[0].actor == "архивариус"
        assert catalog.chain_head() == (3, events[-1].hash)
        assert verify_log(events, catalog.chain_head()).ok
