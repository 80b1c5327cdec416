"""Fixity audit: re-read both copies, compare with the catalog, report, repair, record it all.

A damaged or missing copy is repaired from the good one by writing a NEW version (an old version
may be locked and cannot be overwritten) and pointing the catalog at it; the old version id is kept
in the row's ``retired`` list. Both copies bad: recorded, then :class:`BothCopiesBad` is raised,
never a "repair" from a bad copy. A sampled audit continues where the previous one stopped, so
successive runs cover the whole archive.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from storage.archive import Archive
from storage.catalog import PENDING, ArchivedDocument, EntryFilter, EventDraft
from storage.errors import BothCopiesBad, ObjectMissing, StorageError, StoreUnavailable
from storage.stores.base import ObjectVersion
from storage.streams import digest_chunks

log = logging.getLogger(__name__)

OK = "ok"
MISSING = "missing"  # the catalog's version is gone
DELETED = "deleted"  # the version is there but a delete marker hides it
DAMAGED = "damaged"  # the bytes differ from the catalog hash
SHADOWED = "shadowed"  # a newer, different version hides the catalog's one
METADATA = "metadata"  # the bytes are right, the metadata kept with them is not the catalog's
UNAVAILABLE = "unavailable"  # the store did not answer
NOT_WRITTEN = "pending"  # the copy waits for replication
ORPHAN = "orphan"  # a document in the stores without a catalog row
BAD = {MISSING, DELETED, DAMAGED, SHADOWED, METADATA}
INTACT_BYTES = {OK, METADATA}  # a copy that can serve as the source of a repair
STATUS_LABELS = {
    OK: "в порядке",
    MISSING: "утрачена",
    DELETED: "скрыта маркером удаления",
    DAMAGED: "повреждена",
    SHADOWED: "заслонена чужой версией",
    METADATA: "метаданные не совпадают с каталогом",
    ORPHAN: "документ без записи в каталоге, запись восстановлена по метаданным",
    "foreign-version": "чужая версия объекта, записана в каталог как выведенная",
    UNAVAILABLE: "хранилище не ответило",
    NOT_WRITTEN: "ожидает репликации",
}
"""Russian words for a copy's status, for people; the codes stay in logs and events."""
CURSOR = "fixity_cursor"
EVENT_BATCH = 200


@dataclass(frozen=True)
class CopyCheck:
    """Result for one copy of one document."""

    letter: str
    status: str
    detail: str = ""
    bytes_read: int = 0
    foreign_version: str | None = None


@dataclass(frozen=True)
class Finding:
    """A bad copy and what was done about it."""

    entry_id: int
    document_id: str
    letter: str
    problem: str
    repaired: bool = False
    new_version_id: str | None = None


@dataclass(frozen=True)
class UnknownObject:
    """An object version in a store that the catalog does not know."""

    letter: str
    key: str
    version_id: str


@dataclass(frozen=True)
class FixityReport:
    """What an audit checked and found."""

    full: bool
    checked: int
    bytes_read: dict[str, int]
    findings: tuple[Finding, ...]
    unknown: tuple[UnknownObject, ...]
    both_bad: tuple[int, ...]
    unavailable: tuple[str, ...]
    started: datetime
    finished: datetime
    entries: tuple[int, ...] = field(default=(), repr=False)

    @property
    def clean(self) -> bool:
        """Nothing bad found."""
        return not self.findings and not self.unknown and not self.both_bad and not self.unavailable


Latest = dict[
    str, dict[str, tuple[str, bool]]
]  # letter -> key -> (latest version id, delete marker)


def _check_copy(
    archive: Archive, entry: ArchivedDocument, letter: str, latest_map: Latest | None = None
) -> CopyCheck:
    store = archive.stores[letter]
    version_id = entry.copy_version(letter)
    if version_id is None:
        return CopyCheck(letter, NOT_WRITTEN if entry.state == PENDING else MISSING)
    try:
        digest = digest_chunks(store.iter_chunks(entry.key, version_id))
    except ObjectMissing:
        return CopyCheck(letter, MISSING)
    except StoreUnavailable as exc:
        return CopyCheck(letter, UNAVAILABLE, str(exc))
    except StorageError as exc:
        return CopyCheck(letter, MISSING, str(exc))
    if digest.sha256 != entry.sha256:
        return CopyCheck(letter, DAMAGED, bytes_read=digest.size)
    # The catalog's version is intact; a plain reader gets the latest version, so check it is ours.
    if latest_map is not None and letter in latest_map and entry.key in latest_map[letter]:
        latest_id, is_marker = latest_map[letter][entry.key]
    else:
        try:
            latest_id, is_marker = store.head(entry.key, None).version_id, False
        except ObjectMissing:
            latest_id, is_marker = "", True
        except StorageError as exc:
            return CopyCheck(letter, UNAVAILABLE, str(exc), bytes_read=digest.size)
    if is_marker:
        return CopyCheck(letter, DELETED, bytes_read=digest.size)
    if latest_id != version_id:
        return CopyCheck(letter, SHADOWED, bytes_read=digest.size, foreign_version=latest_id)
    wrong = _metadata_mismatch(archive, entry, letter, version_id)
    if wrong:
        return CopyCheck(letter, METADATA, wrong, bytes_read=digest.size)
    return CopyCheck(letter, OK, bytes_read=digest.size)


def _metadata_mismatch(
    archive: Archive, entry: ArchivedDocument, letter: str, version_id: str
) -> str:
    """The fields whose stored metadata differs from the catalog (a damaged sidecar too)."""
    try:
        stored = archive.stores[letter].head(entry.key, version_id).metadata
    except StoreUnavailable:
        return ""  # reported by the byte check of the next audit, not guessed here
    except StorageError as exc:
        return str(exc)
    expected = archive.object_meta(entry)
    wrong = sorted(k for k, v in expected.items() if stored.get(k, "") != v)
    return ", ".join(wrong)


def _check_entry(
    archive: Archive, entry: ArchivedDocument, latest_map: Latest | None
) -> tuple[ArchivedDocument, list[CopyCheck]]:
    return entry, [_check_copy(archive, entry, letter, latest_map) for letter in "AB"]


def _list_stores(archive: Archive) -> tuple[dict[str, list[ObjectVersion]], Latest]:
    """One listing per store (a full audit): every version, and the latest one of each key."""
    listings: dict[str, list[ObjectVersion]] = {}
    latest: Latest = {}
    for letter, store in archive.stores.items():
        try:
            versions = list(store.list_versions())
        except StorageError as exc:
            log.warning("store %s could not be listed: %s", letter, exc)
            continue
        listings[letter] = versions
        latest[letter] = {
            v.key: (v.version_id, v.is_delete_marker) for v in versions if v.is_latest
        }
    return listings, latest


def _repair(
    archive: Archive, entry: ArchivedDocument, bad: CopyCheck, good: str, actor: str
) -> Finding:
    """Write the good copy as a new version into the bad store and point the catalog at it."""
    store = archive.stores[bad.letter]
    data = archive._verified_copy(entry, good, entry.copy_version(good))
    try:
        version_id = store.put(
            entry.key, data, entry.size, archive.object_meta(entry), archive.lock_of(entry)
        )
        back = digest_chunks(store.iter_chunks(entry.key, version_id))
    finally:
        data.close()
    if back.sha256 != entry.sha256:
        raise StorageError(
            f"восстановленная копия {bad.letter} документа {entry.document_id} не совпала"
        )
    old = entry.copy_version(bad.letter)
    retired = list(entry.retired)
    if old:
        retired.append(f"{bad.letter}:{old}")
    if bad.foreign_version:
        retired.append(f"{bad.letter}:{bad.foreign_version}")
    archive.catalog.update_entry(
        entry.id,
        {f"version_{bad.letter.lower()}": version_id, "retired": retired},
        EventDraft(
            "repair",
            entry.document_id,
            entry.id,
            actor,
            {
                "copy": bad.letter,
                "problem": bad.status,
                "from": good,
                "old_version": old,
                "new_version": version_id,
            },
        ),
    )
    return Finding(entry.id, entry.document_id, bad.letter, bad.status, True, version_id)


def _select(archive: Archive, sample: int | None) -> tuple[list[ArchivedDocument], bool]:
    if sample is None:
        return list(archive.catalog.list_entries(EntryFilter())), True
    cursor = int(archive.catalog.get_state(CURSOR) or 0)
    batch = archive.catalog.entries_after(cursor, sample)
    if len(batch) < sample:
        seen = {e.id for e in batch}
        batch += [
            e for e in archive.catalog.entries_after(0, sample - len(batch)) if e.id not in seen
        ]
    if batch:
        archive.catalog.set_state(CURSOR, str(batch[-1].id))
    return batch, False


def _unknown_objects(
    entries: Iterable[ArchivedDocument], listings: dict[str, list[ObjectVersion]]
) -> list[UnknownObject]:
    known: set[tuple[str, str, str]] = set()
    for entry in entries:
        for letter in "AB":
            vid = entry.copy_version(letter)
            if vid:
                known.add((letter, entry.key, vid))
        for retired in entry.retired:
            letter, _, vid = retired.partition(":")
            known.add((letter, entry.key, vid))
    unknown = []
    for letter, versions in listings.items():
        for obj in versions:
            if obj.is_delete_marker or obj.key.startswith("probe"):
                continue
            if (letter, obj.key, obj.version_id) not in known:
                unknown.append(UnknownObject(letter, obj.key, obj.version_id))
    return unknown


def audit(
    archive: Archive,
    *,
    sample: int | None = None,
    repair: bool = False,
    workers: int = 4,
    actor: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> FixityReport:
    """Check every document (``sample=None``) or the next ``sample`` ones; optionally repair.

    ``progress`` is called with (documents checked, documents to check) after each document.
    """
    started = archive.now()
    entries, full = _select(archive, sample)
    findings: list[Finding] = []
    both_bad: list[int] = []
    unavailable: set[str] = set()
    bytes_read = {"A": 0, "B": 0}
    events: list[EventDraft] = []

    def flush() -> None:
        archive.catalog.append_events(events)
        events.clear()

    listings, latest_map = _list_stores(archive) if full else ({}, None)
    for letter in "AB":
        if full and letter not in listings:
            unavailable.add(letter)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        checked = pool.map(lambda e: _check_entry(archive, e, latest_map), entries)
        for done, (entry, checks) in enumerate(checked, 1):
            if progress is not None:
                progress(done, len(entries))
            for c in checks:
                bytes_read[c.letter] += c.bytes_read
                if c.status == UNAVAILABLE:
                    unavailable.add(c.letter)
            events.append(
                EventDraft(
                    "fixity-check",
                    entry.document_id,
                    entry.id,
                    actor,
                    {c.letter: c.status for c in checks},
                )
            )
            bad = [c for c in checks if c.status in BAD]
            good = [c.letter for c in checks if c.status in INTACT_BYTES]
            if bad and not good and not any(c.status in (UNAVAILABLE, NOT_WRITTEN) for c in checks):
                both_bad.append(entry.id)
                log.error("both copies of catalog entry %s are bad", entry.id)
            for c in bad:
                finding = Finding(entry.id, entry.document_id, c.letter, c.status)
                # the other copy first; a copy whose bytes are right may rewrite its own metadata
                sources = sorted(good, key=lambda letter: letter == c.letter)
                if repair and sources:
                    flush()  # keep the chain in order: the check before its repair
                    try:
                        entry = archive.catalog.get_entry(entry.id) or entry
                        finding = _repair(archive, entry, c, sources[0], actor)
                    except StorageError as exc:
                        log.warning(
                            "repair of entry %s copy %s failed: %s", entry.id, c.letter, exc
                        )
                findings.append(finding)
            if len(events) >= EVENT_BATCH:
                flush()
    unknown = (
        _unknown_objects(archive.catalog.list_entries(EntryFilter()), listings) if full else []
    )
    if repair and unknown:
        flush()
        registered, unknown = _adopt_unknown(archive, unknown, actor)
        findings.extend(registered)
    finished = archive.now()
    summary = {
        "full": full,
        "checked": len(entries),
        "findings": len(findings),
        "repaired": sum(f.repaired for f in findings),
        "unknown": len(unknown),
        "both_bad": len(both_bad),
        "unavailable": sorted(unavailable),
        "bytes": bytes_read,
        "started": started.isoformat(),
        "finished": finished.isoformat(),
    }
    events.append(EventDraft("fixity-run", actor=actor, detail=summary))
    flush()
    archive.catalog.set_state("last_audit", json.dumps(summary, ensure_ascii=False))
    report = FixityReport(
        full,
        len(entries),
        bytes_read,
        tuple(findings),
        tuple(unknown),
        tuple(both_bad),
        tuple(sorted(unavailable)),
        started,
        finished,
        tuple(e.id for e in entries),
    )
    if both_bad:
        raise BothCopiesBadError(report)
    return report


def _adopt_unknown(
    archive: Archive, unknown: list[UnknownObject], actor: str
) -> tuple[list[Finding], list[UnknownObject]]:
    """Re-register orphaned documents from their metadata; record foreign versions as retired.

    An orphan is a key no catalog row has: its copies are checked (the bytes must match the
    ``sha256`` of their own metadata, and both copies must agree) before a row is added. A version
    of a known key that the catalog does not list, and that hides nothing (else it is a shadowing
    finding), is recorded in the row's ``retired`` list. What cannot be explained stays unknown.
    """
    by_key: dict[str, list[UnknownObject]] = {}
    for u in unknown:
        by_key.setdefault(u.key, []).append(u)
    known_keys = {e.key: e for e in archive.catalog.list_entries(EntryFilter())}
    findings: list[Finding] = []
    left: list[UnknownObject] = []
    for key, objects in by_key.items():
        entry = known_keys.get(key)
        if entry is not None:
            retired = [*entry.retired, *(f"{u.letter}:{u.version_id}" for u in objects)]
            archive.catalog.update_entry(
                entry.id,
                {"retired": retired},
                EventDraft(
                    "repair",
                    entry.document_id,
                    entry.id,
                    actor,
                    {"problem": "foreign-version", "versions": retired[len(entry.retired) :]},
                ),
            )
            findings.extend(
                Finding(entry.id, entry.document_id, u.letter, "foreign-version", True)
                for u in objects
            )
            continue
        adopted = _reregister(archive, key, objects, actor)
        if adopted is None:
            left.extend(objects)
        else:
            findings.extend(adopted)
    return findings, left


def _verified_version(archive: Archive, letter: str, key: str, version_id: str) -> ObjectVersion:
    """The version's head, after checking its bytes against the ``sha256`` in its metadata."""
    store = archive.stores[letter]
    head = store.head(key, version_id)
    digest = digest_chunks(store.iter_chunks(key, version_id))
    if not head.metadata.get("sha256") or digest.sha256 != head.metadata["sha256"]:
        raise StorageError(f"объект {key} в хранилище {letter} не совпадает со своим хешем")
    return head


def _reregister(
    archive: Archive, key: str, objects: list[UnknownObject], actor: str
) -> list[Finding] | None:
    """Add the catalog row of an orphaned key from its copies' metadata; None if unsafe."""
    from storage.catalog import ARCHIVED

    heads: dict[str, ObjectVersion] = {}
    for u in sorted(objects, key=lambda u: u.version_id):
        try:
            heads[u.letter] = _verified_version(archive, u.letter, key, u.version_id)
        except (StorageError, ValueError) as exc:
            log.warning("orphan %s in store %s not re-registered: %s", key, u.letter, exc)
            return None
    metas = [h.metadata for h in heads.values()]
    if not metas or any(m.get("sha256") != metas[0].get("sha256") for m in metas):
        return None
    meta = metas[0]
    try:
        version = int(meta.get("version", "1"))
        until = meta.get("retain-until", "")
        retain_until = datetime.fromisoformat(until).replace(tzinfo=UTC) if until else None
    except ValueError:
        return None
    lock = next(iter(heads.values())).lock
    entry = ArchivedDocument(
        id=0,
        document_id=meta.get("document-id", ""),
        version=version,
        kind=meta.get("kind", ""),
        key=key,
        sha256=meta["sha256"],
        size=next(iter(heads.values())).size,
        state=ARCHIVED if len(heads) == 2 else PENDING,
        version_a=heads["A"].version_id if "A" in heads else None,
        version_b=heads["B"].version_id if "B" in heads else None,
        school=meta.get("school", ""),
        year=meta.get("year", ""),
        class_id=meta.get("class", ""),
        period=meta.get("period", ""),
        snapshot_id=meta.get("snapshot-id", ""),
        signer=meta.get("signer", ""),
        retain_until=retain_until,
        lock_mode=lock.mode,
        legal_hold=meta.get("legal-hold") == "on",
        created_at=archive.now(),
        retired=tuple(
            f"{u.letter}:{u.version_id}"
            for u in objects
            if heads[u.letter].version_id != u.version_id
        ),
    )
    if not entry.document_id or not entry.kind:
        return None
    added = archive.catalog.add_entry(
        entry,
        EventDraft(
            "reregister",
            entry.document_id,
            actor=actor,
            detail={"key": key, "copies": sorted(heads), "sha256": entry.sha256},
        ),
    )
    return [Finding(added.id, added.document_id, letter, ORPHAN, True) for letter in sorted(heads)]


class BothCopiesBadError(BothCopiesBad):
    """Both copies of at least one document are bad; ``report`` holds the full audit result."""

    def __init__(self, report: FixityReport) -> None:
        self.report = report
        ids = ", ".join(str(i) for i in report.both_bad)
        super().__init__(
            f"ОБЕ копии повреждены или утрачены (записи каталога: {ids}); "
            "восстановление невозможно, "
            "нужна проверка администратором"
        )
