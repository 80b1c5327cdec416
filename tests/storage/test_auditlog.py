"""The audit log is a hash chain: an edited, removed or cut-off event is detected."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from storage.archive import Archive
from storage.auditlog import event_hash, verify_log
from storage.catalog import EventDraft
from storage.memory_catalog import MemoryCatalog
from storage.retention import load_schedule
from storage.stores.file import FileStore
from tests.storage.helpers import doc_bytes, meta


@pytest.fixture
def catalog(tmp_path: Path) -> MemoryCatalog:
    """Three archived documents and an export event: four events in the chain."""
    cat = MemoryCatalog()
    archive = Archive(
        FileStore(tmp_path / "a", "A"), FileStore(tmp_path / "b", "B"), cat, load_schedule()
    )
    for i in range(3):
        archive.archive(doc_bytes(i, 32), meta(f"log-{i}"), "control-report")
    cat.append_events([EventDraft("export", detail={"year": "2025/2026", "note": "опись"})])
    return cat


def _verify(cat: MemoryCatalog):  # type: ignore[no-untyped-def]
    return verify_log(cat.iter_events(), cat.chain_head())


def test_untouched_log_verifies(catalog: MemoryCatalog) -> None:
    result = _verify(catalog)
    assert result.ok and result.checked == 4


def test_edited_event_is_detected(catalog: MemoryCatalog) -> None:
    event = catalog.events[1]
    catalog.events[1] = dataclasses.replace(event, detail={**event.detail, "sha256": "0" * 64})
    result = _verify(catalog)
    assert not result.ok
    assert any("№2" in p and "изменена" in p for p in result.problems)


def test_removed_event_is_detected(catalog: MemoryCatalog) -> None:
    del catalog.events[2]
    result = _verify(catalog)
    assert not result.ok and any("пропуск" in p for p in result.problems)


def test_cut_off_tail_is_detected_by_the_chain_head(catalog: MemoryCatalog) -> None:
    del catalog.events[3]
    result = _verify(catalog)
    assert not result.ok and any("заголовке" in p for p in result.problems)


def test_rewritten_chain_with_recomputed_hashes_still_breaks_at_the_head(
    catalog: MemoryCatalog,
) -> None:
    """An attacker who edits an event and recomputes its hash breaks the link to the head."""
    e = dataclasses.replace(catalog.events[3], actor="someone-else")
    forged = event_hash(
        e.prev_hash, e.seq, e.at, e.kind, e.document_id, e.entry_id, e.actor, e.detail
    )
    catalog.events[3] = dataclasses.replace(e, hash=forged)
    assert not _verify(catalog).ok
