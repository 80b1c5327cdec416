"""The two-copy archive over real S3 servers and over file stores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.archive import Archive
from storage.catalog import ARCHIVED, EntryFilter, EventDraft
from storage.errors import DocumentExists, ObjectLocked
from tests.storage.helpers import doc_bytes, meta


def test_archive_writes_both_copies_with_metadata_and_lock(archive: Archive) -> None:
    """GIVEN a signed printout WHEN archived THEN both copies carry metadata and COMPLIANCE lock."""
    data = doc_bytes(1)
    entry = archive.archive(data, meta("doc-1", signer="cert-0A1B"), "journal-printout")
    assert entry.state == ARCHIVED and entry.version == 1
    assert entry.version_a and entry.version_b
    assert entry.key == "journal-printout/doc-1/v1"
    assert entry.retain_until == datetime(2032, 1, 1, tzinfo=UTC)
    for letter, store in archive.stores.items():
        head = store.head(entry.key, entry.copy_version(letter))
        assert head.metadata["sha256"] == entry.sha256
        assert head.metadata["class"] == "cls-7a"
        assert head.metadata["retain-until"] == "2032-01-01"
        assert head.lock.mode == "COMPLIANCE"
        assert head.lock.retain_until == datetime(2032, 1, 1, tzinfo=UTC)
        assert b"".join(store.iter_chunks(entry.key, entry.copy_version(letter))) == data
    assert archive.read("doc-1").read() == data


def test_permanent_kind_gets_legal_hold_and_cannot_be_deleted(archive: Archive) -> None:
    entry = archive.archive(doc_bytes(2), meta("ord-1"), "order-main")
    assert entry.legal_hold and entry.retain_until is None
    for letter, store in archive.stores.items():
        assert store.head(entry.key, entry.copy_version(letter)).lock.legal_hold
        with pytest.raises(ObjectLocked):
            store.delete_version(entry.key, entry.copy_version(letter) or "")


def test_same_bytes_again_is_idempotent_other_bytes_need_a_correction(archive: Archive) -> None:
    data = doc_bytes(3)
    first = archive.archive(data, meta("doc-3"), "period-summary")
    assert archive.archive(data, meta("doc-3"), "period-summary").id == first.id
    with pytest.raises(DocumentExists):
        archive.archive(doc_bytes(4), meta("doc-3"), "period-summary")


def test_correction_is_a_new_version_and_the_old_stays_readable(archive: Archive) -> None:
    old, new = doc_bytes(5), doc_bytes(6)
    v1 = archive.archive(old, meta("doc-5"), "year-statement")
    v2 = archive.correct("doc-5", new, reason="исправлена отметка по физике", author="staff-12")
    assert (v2.version, v2.replaces_id, v2.key) == (2, v1.id, "year-statement/doc-5/v2")
    assert v2.reason == "исправлена отметка по физике"
    assert archive.read("doc-5").read() == new
    assert archive.read("doc-5", version=1).read() == old
    assert [e.version for e in archive.versions("doc-5")] == [1, 2]
    kinds = [e.kind for e in archive.catalog.iter_events()]
    assert kinds[:2] == ["ingest", "correction"]


def test_consent_is_held_until_the_event_then_counted(archive: Archive) -> None:
    held = archive.archive(doc_bytes(7), meta("consent-1"), "consent-pd")
    assert held.legal_hold and held.retain_until is None
    closed = archive.archive(
        doc_bytes(8), meta("consent-2", case_closed="2027-05-20"), "consent-pd"
    )
    assert not closed.legal_hold and closed.retain_until == datetime(2031, 1, 1, tzinfo=UTC)


def test_metadata_filters_list_documents(archive: Archive) -> None:
    archive.archive(doc_bytes(9), meta("a-1", period="q1"), "journal-printout")
    archive.archive(doc_bytes(10), meta("a-2", period="q2"), "journal-printout")
    archive.archive(doc_bytes(11), meta("a-3", period="q2"), "control-report")
    found = archive.catalog.list_entries(EntryFilter(kind="journal-printout", period="q2"))
    assert [e.document_id for e in found] == ["a-2"]


def test_closing_a_consent_case_replaces_the_hold_by_a_dated_lock(archive: Archive) -> None:
    """GIVEN a consent held while valid WHEN the student leaves THEN kept 3 more years, unheld."""
    from datetime import date

    held = archive.archive(doc_bytes(20), meta("consent-9"), "consent-pd")
    (closed,) = archive.close_case("consent-9", date(2027, 6, 15), actor="pd-officer")
    assert not closed.legal_hold and closed.retain_until == datetime(2031, 1, 1, tzinfo=UTC)
    for letter, store in archive.stores.items():
        lock = store.head(held.key, held.copy_version(letter)).lock
        assert not lock.legal_hold and lock.retain_until == datetime(2031, 1, 1, tzinfo=UTC)
        with pytest.raises(ObjectLocked):
            store.delete_version(held.key, held.copy_version(letter) or "")
    archive.record("validation", "consent-9", actor="staff-1", result="valid")
    assert [e.kind for e in archive.catalog.iter_events()][-2:] == [
        "retention-change",
        "validation",
    ]


def test_cyrillic_metadata_round_trips_and_keys_stay_ascii(archive: Archive) -> None:
    entry = archive.archive(
        doc_bytes(30), meta("jp/5А:мат", period="1 четверть", class_id="5А"), "journal-printout"
    )
    other = archive.archive(doc_bytes(31), meta("jp/5Б:мат"), "journal-printout")
    assert entry.key.isascii() and entry.key != other.key
    for letter, store in archive.stores.items():
        head = store.head(entry.key, entry.copy_version(letter))
        assert (head.metadata["period"], head.metadata["class"]) == ("1 четверть", "5А")
        assert head.metadata["document-id"] == "jp/5А:мат"


def test_a_second_writer_of_the_same_version_gets_document_exists(archive: Archive) -> None:
    """GIVEN a row written by another worker WHEN the catalog insert collides THEN a clean error."""
    from dataclasses import replace

    first = archive.archive(doc_bytes(40), meta("race-1"), "control-report")
    with pytest.raises(DocumentExists):
        archive.catalog.add_entry(replace(first, sha256="f" * 64), EventDraft("ingest", "race-1"))
    assert [e.version for e in archive.versions("race-1")] == [1]
