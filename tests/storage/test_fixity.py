"""Fixity audit with real faults: copies deleted, overwritten or flipped behind its back."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from minio.deleteobjects import DeleteObject

from storage.archive import Archive
from storage.fixity import DAMAGED, DELETED, MISSING, SHADOWED, BothCopiesBadError, audit
from storage.memory_catalog import MemoryCatalog
from storage.retention import load_schedule
from storage.stores.file import FileStore
from storage.stores.s3 import S3Store
from tests.fixtures.seaweed import WeedServer
from tests.fixtures.storage import s3_store
from tests.storage.helpers import doc_bytes, meta


def _events(archive: Archive, kind: str) -> list[dict]:
    return [dict(e.detail) for e in archive.catalog.iter_events() if e.kind == kind]


@pytest.fixture
def s3_archive(seaweed_pair: tuple[WeedServer, WeedServer]) -> Archive:
    a, b = seaweed_pair
    bucket = f"fx-{os.urandom(5).hex()}"
    return Archive(
        s3_store(a, bucket, "A"), s3_store(b, bucket, "B"), MemoryCatalog(), load_schedule()
    )


@pytest.fixture
def file_archive(tmp_path: Path) -> Archive:
    return Archive(
        FileStore(tmp_path / "a", "A"),
        FileStore(tmp_path / "b", "B"),
        MemoryCatalog(),
        load_schedule(),
    )


@pytest.mark.s3
def test_s3_deleted_and_overwritten_copies_are_found_repaired_and_recorded(
    s3_archive: Archive, seaweed_pair: tuple[WeedServer, WeedServer]
) -> None:
    """GIVEN copies removed or replaced through a second minio client WHEN audited with repair
    THEN each is found, rewritten from the good copy as a new version, and recorded."""
    server_a, server_b = seaweed_pair
    store_a = s3_archive.stores["A"]
    assert isinstance(store_a, S3Store)
    bucket = store_a.bucket
    unsigned = s3_archive.archive(doc_bytes(1), meta("d-1"), "journal-printout")  # GOVERNANCE lock
    signed = s3_archive.archive(doc_bytes(2), meta("d-2", signer="cert-01"), "journal-printout")
    other = s3_archive.archive(doc_bytes(3), meta("d-3"), "control-report")
    intact = s3_archive.archive(doc_bytes(4), meta("d-4"), "control-report")

    client_a, client_b = server_a.client(), server_b.client()
    # 1. the version itself deleted (GOVERNANCE lock bypassed by an administrator)
    errors = list(
        client_a.remove_objects(
            bucket, [DeleteObject(unsigned.key, unsigned.version_a)], bypass_governance_mode=True
        )
    )
    assert not errors
    # 2. a COMPLIANCE copy "deleted": the server only adds a delete marker
    client_b.remove_object(bucket, signed.key)
    # 3. different bytes written as a new version over copy B
    import io

    client_b.put_object(bucket, other.key, io.BytesIO(b"forged"), 6)

    found = audit(s3_archive)
    assert {u.key for u in found.unknown} == {other.key}  # the forged version
    assert not any(f.repaired for f in found.findings)
    report = audit(s3_archive, repair=True)
    problems = {(f.document_id, f.letter): f.problem for f in report.findings}
    assert problems == {("d-1", "A"): MISSING, ("d-2", "B"): DELETED, ("d-3", "B"): SHADOWED}
    assert all(f.repaired for f in report.findings)
    assert not report.unknown  # the forged version is now recorded as retired
    repairs = _events(s3_archive, "repair")
    assert len(repairs) == 3
    # repaired copies: the catalog points at new versions that read back correctly
    for entry_id in (unsigned.id, signed.id, other.id):
        entry = s3_archive.catalog.get_entry(entry_id)
        assert entry is not None
        for letter in "AB":
            data = b"".join(s3_archive.stores[letter].iter_chunks(entry.key, None))
            import hashlib

            assert hashlib.sha256(data).hexdigest() == entry.sha256
    assert s3_archive.catalog.get_entry(intact.id) == intact
    second = audit(s3_archive)
    assert second.clean, second


def test_file_store_deleted_and_flipped_copies_are_repaired(file_archive: Archive) -> None:
    """GIVEN a FileStore copy deleted and one with flipped bytes WHEN audited THEN both repaired."""
    e1 = file_archive.archive(doc_bytes(11), meta("f-1"), "journal-printout")
    e2 = file_archive.archive(doc_bytes(12), meta("f-2", signer="cert-02"), "year-statement")
    store_a, store_b = file_archive.stores["A"], file_archive.stores["B"]
    assert isinstance(store_a, FileStore) and isinstance(store_b, FileStore)
    (store_a.root / "objects" / e1.key / (e1.version_a or "")).unlink()
    victim = store_b.root / "objects" / e2.key / (e2.version_b or "")
    victim.chmod(stat.S_IWUSR | stat.S_IRUSR)
    raw = bytearray(victim.read_bytes())
    raw[100] ^= 0xFF
    victim.write_bytes(bytes(raw))

    found = audit(file_archive)
    assert {(f.document_id, f.problem, f.repaired) for f in found.findings} == {
        ("f-1", MISSING, False),
        ("f-2", DAMAGED, False),
    }
    fixed = audit(file_archive, repair=True)
    assert all(f.repaired for f in fixed.findings) and len(fixed.findings) == 2
    assert audit(file_archive).clean
    assert file_archive.read("f-2").read() == b"".join(store_a.iter_chunks(e2.key, e2.version_a))
    checks = _events(file_archive, "fixity-check")
    assert len(checks) == 6 and {"A": "missing", "B": "ok"} in checks


def test_both_copies_bad_is_raised_and_never_repaired(file_archive: Archive) -> None:
    entry = file_archive.archive(doc_bytes(21), meta("b-1"), "control-report")
    for letter in "AB":
        store = file_archive.stores[letter]
        assert isinstance(store, FileStore)
        (store.root / "objects" / entry.key / (entry.copy_version(letter) or "")).unlink()
    with pytest.raises(BothCopiesBadError) as caught:
        audit(file_archive, repair=True)
    assert caught.value.report.both_bad == (entry.id,)
    assert not _events(file_archive, "repair")
    assert file_archive.catalog.get_entry(entry.id) == entry


def test_sampled_audits_rotate_through_the_whole_archive(file_archive: Archive) -> None:
    ids = [
        file_archive.archive(doc_bytes(30 + i, 64), meta(f"s-{i}"), "control-report").id
        for i in range(7)
    ]
    seen: list[int] = []
    for _ in range(3):
        seen += audit(file_archive, sample=3).entries
    assert set(seen) == set(ids)
    assert seen[:3] != seen[3:6]


def test_unknown_object_in_a_store_is_reported(file_archive: Archive) -> None:
    file_archive.archive(doc_bytes(40), meta("u-1"), "control-report")
    import io

    file_archive.stores["B"].put(
        "stray/object",
        io.BytesIO(b"xx"),
        2,
        {},
        __import__("storage.stores.base", fromlist=["ObjectLock"]).ObjectLock(),
    )
    report = audit(file_archive)
    assert [(u.letter, u.key) for u in report.unknown] == [("B", "stray/object")]
