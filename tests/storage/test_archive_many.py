"""``Archive.archive_many`` on the two real SeaweedFS servers: many documents in flight at once."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator

import pytest

from storage.archive import Archive, BatchItem
from storage.catalog import ARCHIVED, PENDING, EntryFilter
from storage.errors import DocumentExists
from storage.memory_catalog import MemoryCatalog
from storage.retention import load_schedule
from tests.fixtures.seaweed import WeedServer
from tests.fixtures.storage import s3_store
from tests.storage.helpers import doc_bytes, meta

pytestmark = [pytest.mark.s3, pytest.mark.slow]


def _archive(pair: tuple[WeedServer, WeedServer], cooldown: float = 15.0) -> Archive:
    bucket = f"many-{os.urandom(5).hex()}"
    return Archive(
        s3_store(pair[0], bucket, "A"),
        s3_store(pair[1], bucket, "B"),
        MemoryCatalog(),
        load_schedule(),
        down_cooldown=cooldown,
    )


def _copies_match(archive: Archive, payloads: dict[str, bytes], letters: str = "AB") -> None:
    """Every row's copies in ``letters``, read from the servers, hash to the bytes given."""
    for entry in archive.catalog.list_entries(EntryFilter()):
        expected = hashlib.sha256(payloads[entry.document_id]).hexdigest()
        assert entry.sha256 == expected
        for letter in letters:
            version = entry.copy_version(letter)
            if version is None:
                continue
            data = b"".join(archive.stores[letter].iter_chunks(entry.key, version))
            assert hashlib.sha256(data).hexdigest() == expected


def _ensure_running(server: WeedServer) -> None:
    if server.process is None or server.process.poll() is not None:
        server.start()


def test_batch_archives_every_document_once_with_both_copies(
    seaweed_pair: tuple[WeedServer, WeedServer],
) -> None:
    """GIVEN 60 documents (one id given twice with the same bytes) WHEN archived 6 at a time
    THEN each is in the catalog once, archived in both stores, with one ingest event."""
    archive = _archive(seaweed_pair)
    payloads = {f"many-{i:03d}": doc_bytes(i, 20_000) for i in range(60)}
    items = [BatchItem(data, meta(doc_id), "control-report") for doc_id, data in payloads.items()]
    items.append(BatchItem(payloads["many-007"], meta("many-007"), "control-report"))

    outcomes = archive.archive_many(items, workers=6)

    assert [o.document_id for o in outcomes] == [i.metadata.document_id for i in items]
    assert all(o.error is None and o.entry is not None for o in outcomes)
    assert outcomes[-1].entry == outcomes[7].entry  # the repeat returns the first row
    assert archive.catalog.count_by_state() == {ARCHIVED: 60}
    entries = list(archive.catalog.list_entries(EntryFilter()))
    assert sorted(e.document_id for e in entries) == sorted(payloads)
    assert all(e.version == 1 and e.version_a and e.version_b for e in entries)
    ingests = [e.document_id for e in archive.catalog.iter_events() if e.kind == "ingest"]
    assert sorted(ingests) == sorted(payloads)
    _copies_match(archive, payloads)


def test_batch_reports_a_refused_document_and_goes_on(
    seaweed_pair: tuple[WeedServer, WeedServer],
) -> None:
    """GIVEN a document already archived WHEN a batch brings other bytes under its id
    THEN that one outcome carries DocumentExists and the rest are archived."""
    archive = _archive(seaweed_pair)
    archive.archive(doc_bytes(0), meta("refused-0"), "control-report")
    payloads = {f"refused-{i}": doc_bytes(i) for i in range(1, 8)}
    items = [BatchItem(doc_bytes(99), meta("refused-0"), "control-report")]
    items += [BatchItem(data, meta(doc_id), "control-report") for doc_id, data in payloads.items()]

    outcomes = archive.archive_many(items, workers=3)

    assert isinstance(outcomes[0].error, DocumentExists) and outcomes[0].entry is None
    assert all(o.error is None for o in outcomes[1:])
    assert archive.catalog.count_by_state() == {ARCHIVED: 8}
    assert archive.find("refused-0").version == 1


def test_store_b_killed_mid_batch_leaves_the_rest_pending_none_lost(
    seaweed_pair: tuple[WeedServer, WeedServer], request: pytest.FixtureRequest
) -> None:
    """GIVEN 120 documents archived 6 at a time WHEN store B's server is killed after the 30th
    is handed out THEN every document is in the catalog once, archived or pending replication
    with copy A read back; after B returns, replication completes every one."""
    server_b = seaweed_pair[1]
    request.addfinalizer(lambda: _ensure_running(server_b))
    archive = _archive(seaweed_pair, cooldown=0.5)
    payloads = {f"cut-{i:03d}": doc_bytes(i, 20_000) for i in range(120)}

    def items() -> Iterator[BatchItem]:
        for n, (doc_id, data) in enumerate(payloads.items()):
            if n == 30:
                server_b.kill()  # documents 24..29 may be in flight right now
            yield BatchItem(data, meta(doc_id), "control-report")

    outcomes = archive.archive_many(items(), workers=6)

    assert all(o.error is None for o in outcomes)
    entries = list(archive.catalog.list_entries(EntryFilter()))
    assert sorted(e.document_id for e in entries) == sorted(payloads)
    counts = archive.catalog.count_by_state()
    assert sum(counts.values()) == 120 and counts.get(PENDING, 0) >= 90
    pending = [e for e in entries if e.state == PENDING]
    assert all(e.version_a and not e.version_b for e in pending)
    _copies_match(archive, payloads, letters="A")  # B is down

    server_b.start()
    report = archive.replicate_pending()
    assert len(report.replicated) == len(pending) and report.still_pending == ()
    assert archive.catalog.count_by_state() == {ARCHIVED: 120}
    _copies_match(archive, payloads)
