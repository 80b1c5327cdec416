"""The audit log is a hash chain: an edited, removed or cut-off event is detected."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.archive import models
from service.archive.catalog import DjangoCatalog
from storage.archive import Archive
from storage.auditlog import verify_log
from storage.catalog import EventDraft
from storage.retention import load_schedule
from storage.stores.file import FileStore
from tests.storage.helpers import doc_bytes, meta


@pytest.fixture
def catalog(tmp_path: Path, db: None) -> DjangoCatalog:
    cat = DjangoCatalog()
    archive = Archive(
        FileStore(tmp_path / "a", "A"), FileStore(tmp_path / "b", "B"), cat, load_schedule()
    )
    for i in range(3):
        archive.archive(doc_bytes(i, 32), meta(f"log-{i}"), "control-report")
    cat.append_events([EventDraft("export", detail={"year": "2025/2026", "note": "опись"})])
    return cat


def _verify(cat: DjangoCatalog):  # type: ignore[no-untyped-def]
    return verify_log(cat.iter_events(), cat.chain_head())


def test_untouched_log_verifies(catalog: DjangoCatalog) -> None:
    result = _verify(catalog)
    assert result.ok and result.checked == 4


def test_edited_event_is_detected(catalog: DjangoCatalog) -> None:
    row = models.AuditEvent.objects.get(seq=2)
    row.detail = {**row.detail, "sha256": "0" * 64}
    row.save()
    result = _verify(catalog)
    assert not result.ok
    assert any("№2" in p and "изменена" in p for p in result.problems)


def test_removed_event_is_detected(catalog: DjangoCatalog) -> None:
    models.AuditEvent.objects.filter(seq=3).delete()
    result = _verify(catalog)
    assert not result.ok and any("пропуск" in p for p in result.problems)


def test_cut_off_tail_is_detected_by_the_chain_head(catalog: DjangoCatalog) -> None:
    models.AuditEvent.objects.filter(seq=4).delete()
    result = _verify(catalog)
    assert not result.ok and any("заголовке" in p for p in result.problems)


def test_rewritten_chain_with_recomputed_hashes_still_breaks_at_the_head(
    catalog: DjangoCatalog,
) -> None:
    """An attacker who edits an event and recomputes its hash breaks the link to the next one."""
    from storage.auditlog import event_hash

    row = models.AuditEvent.objects.get(seq=4)
    row.actor = "someone-else"
    row.hash = event_hash(
        row.prev_hash,
        row.seq,
        row.at,
        row.kind,
        row.document_id,
        row.entry_id,
        row.actor,
        row.detail,
    )
    row.save()
    assert not _verify(catalog).ok
