"""Catalog backup rotation, BagIt transfer package, disposal act (restore: tests/archive)."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import fields
from pathlib import Path

import bagit
import pytest
from pypdf import PdfReader

from storage.archive import Archive, DocumentMetadata
from storage.backup import backup_catalog, rotate_backups
from storage.bagit_export import export_bag, validate_bag
from storage.catalog import DISPOSED, EntryFilter
from storage.disposal import dispose, draft_act, due_for_disposal
from tests.storage.helpers import doc_bytes, meta


def test_backup_rotation_keeps_weekly_and_monthly(archive: Archive) -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    clock = {"now": start}
    archive._clock = lambda: clock["now"]
    for week in range(12):
        clock["now"] = start + timedelta(weeks=week)
        backup_catalog(archive, lambda p, w=week: p.write_bytes(b"dump %d" % w), engine="sqlite")
    live = list(archive.catalog.list_entries(EntryFilter(kind="catalog-backup")))
    # the 8 newest weekly ones (2 Feb … 23 Mar) + the newest of January (26 Jan) as its monthly one
    assert len(live) == 9
    assert min(e.created_at for e in live if e.created_at) == datetime(
        2026, 1, 26, 3, 0, tzinfo=UTC
    )
    assert rotate_backups(archive).deleted == ()


def vars_of(value: DocumentMetadata) -> dict:
    return {f.name: getattr(value, f.name) for f in fields(value)}


def test_bagit_export_with_inventory_csv_and_pdf(archive: Archive, tmp_path: Path) -> None:
    first = meta("ex-1", period="q1")
    first = DocumentMetadata(**{**vars_of(first), "extra": {"period_name": "1 четверть"}})
    archive.archive(doc_bytes(1), first, "journal-printout")
    archive.archive(doc_bytes(2), meta("ex-2", period="q2"), "period-summary")
    archive.correct("ex-2", doc_bytes(3), reason="опечатка", author="staff-3")
    archive.archive(doc_bytes(4), meta("ex-3", year="2024/2025"), "period-summary")
    bag_dir = tmp_path / "bag"
    result = export_bag(archive, bag_dir, year="2025/2026", school_name="МБОУ СОШ № 1")
    assert [(r.document_id, r.version) for r in result.rows] == [
        ("ex-1", 1),
        ("ex-2", 1),
        ("ex-2", 2),
    ]
    bag = bagit.Bag(str(bag_dir))
    assert bag.is_valid() and "sha256" in bag.algorithms
    with open(bag_dir / "data" / "inventory.csv", encoding="utf-8-sig") as fh:
        lines = list(csv.reader(fh, delimiter=";"))
    assert lines[0][1] == "document_id" and len(lines) == 4
    text = "".join(p.extract_text() for p in PdfReader(bag_dir / "data" / "inventory.pdf").pages)
    assert "ОПИСЬ" in text and "ex-2" in text and "МБОУ СОШ № 1" in text
    assert "четверть" in text and lines[1][6] == "1 четверть"  # the name, not «q1»
    copied = bag_dir / "data" / result.rows[0].path.removeprefix("data/")
    assert hashlib.sha256(copied.read_bytes()).hexdigest() == result.rows[0].sha256
    assert result.inventory is not None and result.inventory.kind == "archive-inventory"
    # a changed file is caught by validation
    copied.write_bytes(b"tampered")
    with pytest.raises(bagit.BagValidationError):
        validate_bag(bag_dir)


def test_disposal_act_lists_expired_and_deletes_only_unlocked(archive: Archive) -> None:
    old_statement = archive.archive(
        doc_bytes(1), meta("ds-1", year="2015/2016"), "parent-statement"
    )
    old_report = archive.archive(doc_bytes(2), meta("ds-2", year="2015/2016"), "control-report")
    archive.archive(doc_bytes(3), meta("ds-3", year="2015/2016"), "year-statement")  # until 2042
    archive.archive(doc_bytes(4), meta("ds-4", year="2015/2016"), "order-main")  # permanent
    assert {e.document_id for e in due_for_disposal(archive)} == {"ds-1", "ds-2"}

    act = draft_act(archive, year="2015/2016", school_name="МБОУ СОШ № 1")
    assert [i.document_id for i in act.items] == ["ds-1", "ds-2"]
    pdf_entry = archive.catalog.get_entry(act.pdf_entry_id)
    assert pdf_entry is not None and pdf_entry.kind == "disposal-act" and pdf_entry.legal_hold
    import io

    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(archive.read(act.act_id).read())).pages
    )
    assert "о выделении к уничтожению" in text and "ds-1" in text and "ds-3" not in text

    result = dispose(archive, act.act_id, approved_by="director-1")
    assert set(result.deleted) == {"ds-1", "ds-2"} and result.refused == ()
    for entry in (old_statement, old_report):
        row = archive.catalog.get_entry(entry.id)
        assert row is not None and row.state == DISPOSED
        for store in archive.stores.values():
            assert not [v for v in store.list_versions(entry.key) if not v.is_delete_marker]
    assert [e.kind for e in archive.catalog.iter_events()].count("disposal") == 2


def test_disposal_refuses_what_the_store_still_locks(archive: Archive) -> None:
    """GIVEN a row wrongly showing an ended period WHEN disposing THEN the store's lock wins."""
    from datetime import UTC, datetime

    locked = archive.archive(doc_bytes(9), meta("lk-1", signer="cert-1"), "year-statement")
    archive.catalog.update_entry(
        locked.id, {"retain_until": datetime(2020, 1, 1, tzinfo=UTC)}, None
    )
    act = draft_act(archive)
    assert [i.document_id for i in act.items] == ["lk-1"]
    result = dispose(archive, act.act_id, approved_by="director-1")
    assert result.deleted == () and len(result.refused) == 1
    assert archive.read("lk-1").read() == b"".join(
        archive.stores["A"].iter_chunks(locked.key, locked.version_a)
    )
