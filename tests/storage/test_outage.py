"""Real outages: a store killed in the middle of archiving; both stores down."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest

from storage.archive import Archive
from storage.catalog import ARCHIVED, PENDING, EntryFilter
from storage.errors import BothStoresDown
from storage.memory_catalog import MemoryCatalog
from storage.retention import load_schedule
from storage.stores.file import FileStore
from tests.fixtures.seaweed import WeedServer
from tests.fixtures.storage import s3_store
from tests.storage.helpers import doc_bytes, meta

pytestmark = [pytest.mark.s3, pytest.mark.slow]


def _ensure_running(server: WeedServer) -> None:
    """Restart a killed server so that later tests still have both stores."""
    if server.process is None or server.process.poll() is not None:
        server.start()


def test_store_b_killed_while_archiving_200_documents_loses_nothing(
    seaweed_pair: tuple[WeedServer, WeedServer], request: pytest.FixtureRequest
) -> None:
    """GIVEN 200 documents being archived WHEN store B's server is killed part-way
    THEN every document is archived or pending; after B returns replicate_pending completes all."""
    server_a, server_b = seaweed_pair
    bucket = f"out-{os.urandom(5).hex()}"
    archive = Archive(
        s3_store(server_a, bucket, "A"),
        s3_store(server_b, bucket, "B"),
        MemoryCatalog(),
        load_schedule(),
        down_cooldown=0.5,
    )
    reached = threading.Event()
    killer = threading.Thread(target=lambda: (reached.wait(60), server_b.kill()))
    killer.start()
    payloads: dict[str, bytes] = {}
    try:
        for i in range(200):
            if i == 60:
                reached.set()  # the kill happens while the next documents are being written
            doc_id = f"out-{i:03d}"
            payloads[doc_id] = doc_bytes(i, 1024)
            archive.archive(payloads[doc_id], meta(doc_id), "control-report")
    finally:
        reached.set()
        killer.join()
        request.addfinalizer(lambda: _ensure_running(server_b))
    counts = archive.catalog.count_by_state()
    assert sum(counts.values()) == 200
    assert counts.get(PENDING, 0) >= 100  # B died early on
    pending = list(archive.catalog.list_entries(EntryFilter(state=PENDING)))
    assert all(e.version_a and not e.version_b for e in pending)
    assert (
        archive.replicate_pending().replicated == ()
    )  # B still down: nothing changes, nothing lost

    server_b.start()
    report = archive.replicate_pending()
    assert len(report.replicated) == len(pending) and report.still_pending == ()
    assert archive.catalog.count_by_state() == {ARCHIVED: 200}
    for entry in archive.catalog.list_entries(EntryFilter()):
        expected = hashlib.sha256(payloads[entry.document_id]).hexdigest()
        for letter in "AB":
            data = b"".join(
                archive.stores[letter].iter_chunks(entry.key, entry.copy_version(letter))
            )
            assert hashlib.sha256(data).hexdigest() == expected == entry.sha256
    replications = [e for e in archive.catalog.iter_events() if e.kind == "replication"]
    assert len(replications) == len(pending)


def test_both_stores_down_fails_cleanly_and_records_nothing(tmp_path: object) -> None:
    """GIVEN two dead S3 endpoints WHEN archiving THEN BothStoresDown and no catalog row."""
    from storage.stores.s3 import S3Store

    dead_a = S3Store(
        "127.0.0.1:18097", "k", "s", "bkt", secure=False, name="A", connect_timeout=0.5
    )
    dead_b = S3Store(
        "127.0.0.1:18197", "k", "s", "bkt", secure=False, name="B", connect_timeout=0.5
    )
    archive = Archive(dead_a, dead_b, MemoryCatalog(), load_schedule())
    with pytest.raises(BothStoresDown):
        archive.archive(doc_bytes(1), meta("nothing-1"), "control-report")
    assert archive.catalog.find_document("nothing-1") is None
    assert list(archive.catalog.iter_events()) == []


def test_one_file_store_unwritable_goes_pending_then_replicates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "b-is-a-file"
    blocker.write_text("not a directory")
    archive = Archive(
        FileStore(tmp_path / "a", "A"), FileStore(blocker, "B"), MemoryCatalog(), load_schedule()
    )
    entry = archive.archive(doc_bytes(5), meta("p-1"), "control-report")
    assert entry.state == PENDING and entry.version_a and entry.version_b is None
    blocker.unlink()
    assert archive.replicate_pending().replicated == (entry.id,)
    assert archive.catalog.count_by_state() == {ARCHIVED: 1}
