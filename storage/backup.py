"""Catalog backups into both stores, with the rotation of RETENTION.md, and restore.

The database-specific dump and restore (``pg_dump``, SQLite's backup API) are passed in as callables
by the service, so this module stays free of Django.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from storage.archive import Archive, DocumentMetadata
from storage.catalog import DISPOSED, ArchivedDocument, EntryFilter, EventDraft
from storage.stores.base import ObjectLock

KIND = "catalog-backup"
Dumper = Callable[[Path], None]
Loader = Callable[[Path], None]
# Every backup is locked briefly so that a mistake or an intruder cannot wipe them all at once;
# the rotation then keeps the weekly and monthly ones.
MIN_LOCK = timedelta(days=7)


@dataclass(frozen=True)
class RotationResult:
    """Backups kept and deleted by :func:`rotate_backups`."""

    kept: tuple[str, ...]
    deleted: tuple[str, ...]
    locked: tuple[str, ...]


def backup_catalog(
    archive: Archive,
    dump: Dumper,
    *,
    engine: str,
    actor: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> ArchivedDocument:
    """Dump the catalog with ``dump`` and archive the file in both stores, then rotate.

    ``progress`` is called with (steps done, 3) after the dump, the archiving and the rotation.
    """
    step = progress or (lambda done, total: None)
    now = archive.now()
    with tempfile.TemporaryDirectory(prefix="vedomost-backup-") as tmp:
        path = Path(tmp) / "catalog.dump"
        dump(path)
        step(1, 3)
        meta = DocumentMetadata(
            document_id=f"catalog-backup-{now:%Y%m%dT%H%M%S%f}",
            year=str(now.year),
            extension="sqlite3" if engine == "sqlite" else "pgdump",
            extra={"engine": engine},
        )
        entry = archive.archive(
            path, meta, KIND, actor=actor, lock=ObjectLock("GOVERNANCE", now + MIN_LOCK, False)
        )
        step(2, 3)
    archive.catalog.append_events(
        [
            EventDraft(
                "backup", entry.document_id, entry.id, actor, {"engine": engine, "size": entry.size}
            )
        ]
    )
    rotate_backups(archive, actor=actor)
    step(3, 3)
    return entry


def rotate_backups(archive: Archive, *, actor: str = "") -> RotationResult:
    """Keep the newest backup of each of the last N weeks and M months (from the schedule)."""
    rule = archive.schedule.rule(KIND)
    backups = sorted(
        archive.catalog.list_entries(EntryFilter(kind=KIND)),
        key=lambda e: e.created_at or archive.now(),
        reverse=True,
    )
    keep: set[int] = set()
    weeks: list[tuple[int, int]] = []
    months: list[tuple[int, int]] = []
    for entry in backups:
        created = entry.created_at or archive.now()
        week = created.isocalendar()[:2]
        month = (created.year, created.month)
        if week not in weeks and len(weeks) < rule.rotation_weekly:
            weeks.append(week)
            keep.add(entry.id)
        if month not in months and len(months) < rule.rotation_monthly:
            months.append(month)
            keep.add(entry.id)
    deleted: list[str] = []
    locked: list[str] = []
    for entry in backups:
        if entry.id in keep:
            continue
        refused = archive.delete_copies(entry)
        if refused:
            locked.append(entry.document_id)
            continue
        archive.catalog.update_entry(
            entry.id,
            {"state": DISPOSED},
            EventDraft(
                "disposal",
                entry.document_id,
                entry.id,
                actor,
                {"reason": "ротация резервных копий"},
            ),
        )
        deleted.append(entry.document_id)
    kept = tuple(e.document_id for e in backups if e.id in keep)
    return RotationResult(kept, tuple(deleted), tuple(locked))


def restore_catalog(
    archive: Archive | None, source: Path, load: Loader, *, actor: str = ""
) -> None:
    """Load a backup file into an empty database with ``load`` (and record it when possible)."""
    load(source)
    if archive is not None:
        archive.catalog.append_events(
            [EventDraft("restore", actor=actor, detail={"file": source.name})]
        )


def fetch_backup(archive: Archive, document_id: str, target: Path) -> ArchivedDocument:
    """Write a verified copy of an archived backup to ``target``."""
    entry = archive.find(document_id)
    data = archive.read(document_id)
    try:
        with open(target, "wb") as out:
            while chunk := data.read(1024 * 1024):
                out.write(chunk)
    finally:
        data.close()
    return entry
