"""The snapshot store: save an imported snapshot once, load it back, find the latest.

Contract of ``save_snapshot`` (the "import" step of the pipeline):
- in: a checked :class:`~service.journal.snapshot.Snapshot`;
- out: an :class:`ImportResult` — ``created`` with the diff against the previous snapshot of the
  same school and year, or ``unchanged`` when a snapshot with the same SHA-256 exists (then
  nothing at all is written);
- on failure: everything of the import is in one transaction, so nothing is left behind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import zlib
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone

from service.errors import NotFoundError
from service.journal import models as db
from service.journal import snapshot as m
from service.journal.canonical import canonical_bytes, iter_entity_lists, snapshot_from_bytes
from service.journal.diff import SnapshotDiff, diff_snapshots
from service.journal.rows import write_rows

Status = Literal["created", "unchanged"]
COMPRESS_LEVEL = 3  # canonical JSON compresses ~10×; higher levels cost seconds for little


class SnapshotNotFound(NotFoundError, LookupError):
    """No stored snapshot matches the id (or id prefix)."""

    def __init__(self, snapshot_id: str, ambiguous: bool = False) -> None:
        self.snapshot_id = snapshot_id
        what = "неоднозначен" if ambiguous else "не найден"
        super().__init__(f"снимок журнала «{snapshot_id}» {what}")


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    snapshot_id: str  # SHA-256 of the canonical form
    status: Status
    school_id: str  # the school's id in the export
    school_name: str
    year: str
    as_of: dt.date
    counts: dict[str, int]
    previous_id: str | None = None
    diff: SnapshotDiff | None = None
    imported_at: dt.datetime | None = None
    messages: tuple[str, ...] = field(default=())  # e.g. adapter warnings, in Russian

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``--json`` output and the API."""
        return {
            "snapshot_id": self.snapshot_id,
            "status": self.status,
            "school_id": self.school_id,
            "school_name": self.school_name,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "imported_at": self.imported_at.isoformat() if self.imported_at else None,
            "counts": dict(self.counts),
            "previous_id": self.previous_id,
            "changes": self.diff.to_dict() if self.diff else None,
            "messages": list(self.messages),
        }


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """A catalog row, without the data."""

    snapshot_id: str
    school_id: str
    school_name: str
    year: str
    as_of: dt.date
    imported_at: dt.datetime
    source: str
    source_format: str
    source_file: str
    counts: dict[str, int]
    previous_id: str | None


def _info(row: db.Snapshot) -> SnapshotInfo:
    return SnapshotInfo(
        snapshot_id=row.sha256,
        school_id=row.school.external_id,
        school_name=row.school.short_name,
        year=row.year,
        as_of=row.as_of,
        imported_at=row.imported_at,
        source=row.source,
        source_format=row.source_format,
        source_file=row.source_file,
        counts=dict(row.counts),
        previous_id=_sha_of(row.previous_id),
    )


def _sha_of(pk: int | None) -> str | None:
    if pk is None:
        return None
    sha: str | None = db.Snapshot.objects.filter(pk=pk).values_list("sha256", flat=True).first()
    return sha


def counts_of(snapshot: m.Snapshot) -> dict[str, int]:
    """Number of items per entity list."""
    return {name: len(getattr(snapshot, name)) for name in iter_entity_lists()}


def _unchanged(row: db.Snapshot) -> ImportResult:
    return ImportResult(
        snapshot_id=row.sha256,
        status="unchanged",
        school_id=row.school.external_id,
        school_name=row.school.short_name,
        year=row.year,
        as_of=row.as_of,
        counts=dict(row.counts),
        previous_id=_sha_of(row.previous_id),
        imported_at=row.imported_at,
    )


def find_by_source(source_sha256: str, source_format: str) -> ImportResult | None:
    """An earlier import of byte-identical input with the same adapter, reported as unchanged."""
    row = (
        db.Snapshot.objects.select_related("school")
        .defer("canonical_json")
        .filter(source_sha256=source_sha256, source_format=source_format)
        .first()
    )
    return _unchanged(row) if row else None


def save_snapshot(
    snapshot: m.Snapshot, *, source_format: str = "", source_file: str = "", source_sha256: str = ""
) -> ImportResult:
    """Store ``snapshot`` unless an identical one exists; see the module docstring."""
    raw = canonical_bytes(snapshot)
    digest = hashlib.sha256(raw).hexdigest()
    existing = (
        db.Snapshot.objects.select_related("school")
        .defer("canonical_json")
        .filter(sha256=digest)
        .first()
    )
    if existing is not None:
        return _unchanged(existing)
    previous = (
        db.Snapshot.objects.filter(school__external_id=snapshot.school.id, year=snapshot.year.id)
        .defer("canonical_json")
        .order_by("-id")
        .first()
    )
    counts = counts_of(snapshot)
    imported_at = timezone.now()
    try:
        with transaction.atomic():
            school, _ = db.School.objects.update_or_create(
                external_id=snapshot.school.id,
                defaults={
                    "short_name": snapshot.school.short_name,
                    "full_name": snapshot.school.full_name,
                },
            )
            row = db.Snapshot.objects.create(
                sha256=digest,
                school=school,
                year=snapshot.year.id,
                as_of=snapshot.as_of,
                imported_at=imported_at,
                source=snapshot.source[:500],
                source_format=source_format,
                source_file=source_file[:255],
                source_sha256=source_sha256,
                counts=counts,
                canonical_json=zlib.compress(raw, COMPRESS_LEVEL),
                canonical_size=len(raw),
                previous=previous,
            )
            write_rows(row.pk, snapshot)
    except IntegrityError:
        # Someone stored the same snapshot meanwhile: that is "unchanged", anything else is not.
        existing = (
            db.Snapshot.objects.select_related("school")
            .defer("canonical_json")
            .filter(sha256=digest)
            .first()
        )
        if existing is None:
            raise
        return _unchanged(existing)
    diff = None
    if previous is not None:
        diff = diff_snapshots(
            load_snapshot(previous.sha256), dataclasses.replace(snapshot, snapshot_id=digest)
        )
    return ImportResult(
        snapshot_id=digest,
        status="created",
        school_id=snapshot.school.id,
        school_name=snapshot.school.short_name,
        year=snapshot.year.id,
        as_of=snapshot.as_of,
        counts=counts,
        previous_id=previous.sha256 if previous else None,
        diff=diff,
        imported_at=imported_at,
    )


def _row(snapshot_id: str, with_data: bool = False) -> db.Snapshot:
    rows_qs = db.Snapshot.objects.select_related("school")
    if not with_data:
        rows_qs = rows_qs.defer("canonical_json")
    rows = list(rows_qs.filter(sha256__startswith=snapshot_id.lower())[:2])
    if len(snapshot_id) < 6 or not rows:
        raise SnapshotNotFound(snapshot_id)
    if len(rows) > 1 and rows[0].sha256 != snapshot_id:
        raise SnapshotNotFound(snapshot_id, ambiguous=True)
    return rows[0]


def snapshot_info(snapshot_id: str) -> SnapshotInfo:
    """The catalog row of a snapshot (full SHA-256 or a unique prefix of at least 6 characters)."""
    return _info(_row(snapshot_id))


def load_snapshot(snapshot_id: str) -> m.Snapshot:
    """The stored snapshot, exactly as imported (lists in canonical order), with its id set."""
    row = _row(snapshot_id, with_data=True)
    snapshot = snapshot_from_bytes(zlib.decompress(bytes(row.canonical_json)))
    return dataclasses.replace(snapshot, snapshot_id=row.sha256)


def latest_snapshot(school_id: str | None = None, year: str | None = None) -> m.Snapshot | None:
    """The newest snapshot (by as-of date, then import order) of a school and/or year, if any."""
    rows = db.Snapshot.objects.all()
    if school_id is not None:
        rows = rows.filter(school__external_id=school_id)
    if year is not None:
        rows = rows.filter(year=year)
    row = rows.order_by("-as_of", "-id").only("sha256").first()
    return load_snapshot(row.sha256) if row else None


def list_snapshots(school_id: str | None = None, year: str | None = None) -> list[SnapshotInfo]:
    """Catalog rows, newest import first."""
    rows = db.Snapshot.objects.select_related("school").defer("canonical_json")
    if school_id is not None:
        rows = rows.filter(school__external_id=school_id)
    if year is not None:
        rows = rows.filter(year=year)
    return [_info(row) for row in rows.order_by("-id")]
