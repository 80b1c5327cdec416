"""The Django catalog keeps the catalog contract, and its audit log resists edits of its rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.archive import models
from service.archive.catalog import DjangoCatalog
from storage.archive import Archive
from storage.auditlog import event_hash, verify_log
from storage.catalog import EventDraft
from storage.retention import load_schedule
from storage.stores.file import FileStore
from tests.storage.catalog_contract import CatalogContract
from tests.storage.helpers import doc_bytes, meta

pytestmark = pytest.mark.django_db


class TestDjangoCatalog(CatalogContract):
    @pytest.fixture
    def catalog(self) -> DjangoCatalog:
        return DjangoCatalog()


@pytest.fixture
def logged(tmp_path: Path) -> DjangoCatalog:
    """Three archived documents and an export event: four events in the database."""
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


def test_untouched_log_verifies(logged: DjangoCatalog) -> None:
    result = _verify(logged)
    assert result.ok and result.checked == 4


def test_an_event_row_edited_in_the_database_is_detected(logged: DjangoCatalog) -> None:
    row = models.AuditEvent.objects.get(seq=2)
    row.detail = {**row.detail, "sha256": "0" * 64}
    row.save()
    result = _verify(logged)
    assert not result.ok
    assert any("№2" in p and "изменена" in p for p in result.problems)


def test_an_event_row_deleted_in_the_database_is_detected(logged: DjangoCatalog) -> None:
    models.AuditEvent.objects.filter(seq=3).delete()
    result = _verify(logged)
    assert not result.ok and any("пропуск" in p for p in result.problems)


def test_a_deleted_last_row_is_detected_by_the_head_row(logged: DjangoCatalog) -> None:
    models.AuditEvent.objects.filter(seq=4).delete()
    result = _verify(logged)
    assert not result.ok and any("заголовке" in p for p in result.problems)


def test_a_row_rewritten_with_a_recomputed_hash_still_breaks_at_the_head(
    logged: DjangoCatalog,
) -> None:
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
    assert not _verify(logged).ok


@pytest.mark.django_db(transaction=True)
def test_documents_archived_at_once_into_an_empty_catalog_all_get_their_rows(
    tmp_path: Path,
) -> None:
    """GIVEN an empty catalog (no audit chain yet) WHEN eight documents are archived at once by
    ``archive_many``'s threads THEN each gets its row and the log verifies: the writers do not both
    start the chain (on PostgreSQL the head row did not exist to be locked)."""
    from django.db import connection

    from storage.archive import BatchItem

    cat = DjangoCatalog()
    archive = Archive(
        FileStore(tmp_path / "a", "A"), FileStore(tmp_path / "b", "B"), cat, load_schedule()
    )

    outcomes = archive.archive_many(
        [BatchItem(doc_bytes(i, 32), meta(f"first-{i}"), "control-report") for i in range(8)],
        workers=8,
        release=lambda: connection.close(),
    )
    assert [o.error for o in outcomes] == [None] * 8
    assert models.Entry.objects.count() == 8
    result = _verify(cat)
    assert result.ok and result.checked == 8
