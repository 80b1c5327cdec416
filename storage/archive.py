"""The two-copy archive: write order hash → put A and B → read both back → catalog row + event.

The two copies of one document are written at the same time (each put followed by its own
read-back); the catalog row is added only after both have been read back.
:meth:`Archive.archive_many` archives several documents at once, each in that order.

One store down: the document is kept in the other and marked ``pending_replication``;
:meth:`Archive.replicate_pending` completes it later. Both down: :class:`BothStoresDown`, nothing
recorded. A document is never overwritten: a correction is a new version linked to the previous one.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import BinaryIO

from storage import relock
from storage.catalog import (
    ARCHIVED,
    PENDING,
    ArchivedDocument,
    Catalog,
    EntryFilter,
    EventDraft,
)
from storage.errors import (
    BothStoresDown,
    DocumentExists,
    DocumentNotFound,
    ObjectMissing,
    StorageError,
    StoreUnavailable,
)
from storage.retention import RetentionDecision, Schedule, case_closed_year, decide
from storage.signature_scan import LEVEL_NONE, SignatureScan, has_pdf_signature, scan_signatures
from storage.stores.base import ObjectLock, Store
from storage.stores.keys import key_id, safe_id
from storage.streams import Source, digest_chunks, open_source, read_chunks, spool

log = logging.getLogger(__name__)

META_FIELDS = ("school", "year", "class_id", "period", "snapshot_id", "signer")


@dataclass(frozen=True)
class DocumentMetadata:
    """What the caller tells the archive about a document (ids, not names)."""

    document_id: str
    school: str = ""
    year: str = ""
    class_id: str = ""
    period: str = ""
    snapshot_id: str = ""
    signer: str = ""
    case_closed: str = ""  # ISO date the case closed, when not the end of ``year``
    extension: str = "pdf"
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> DocumentMetadata:
        """Build from ``k=v`` pairs (``class`` means ``class_id``); unknown keys go to extra."""
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        args: dict[str, str] = {}
        extra: dict[str, str] = {}
        for k, v in values.items():
            name = {"class": "class_id", "document": "document_id", "snapshot": "snapshot_id"}.get(
                k, k
            )
            name = name.replace("-", "_")
            if name in known:
                args[name] = v
            else:
                extra[k] = v
        if not args.get("document_id"):
            raise ValueError("не указан идентификатор документа (document_id)")
        return cls(extra=extra, **args)


@dataclass(frozen=True)
class CopyResult:
    """Outcome of writing one copy."""

    letter: str
    version_id: str | None
    error: str = ""


@dataclass(frozen=True)
class BatchItem:
    """One document of :meth:`Archive.archive_many`: the arguments of :meth:`Archive.archive`."""

    data: Source
    metadata: DocumentMetadata
    kind: str
    actor: str = ""
    lock: ObjectLock | None = None


@dataclass(frozen=True)
class BatchOutcome:
    """What became of one :class:`BatchItem`: its catalog row, or the storage error."""

    document_id: str
    entry: ArchivedDocument | None
    error: StorageError | None = None


@dataclass(frozen=True)
class ReplicationReport:
    """Outcome of :meth:`Archive.replicate_pending`."""

    replicated: tuple[int, ...]
    still_pending: tuple[int, ...]


@dataclass(frozen=True)
class ArchiveStatus:
    """Counts by state and the last audit, for ``vedomost archive status``."""

    counts: Mapping[str, int]
    last_audit: str | None


class Archive:
    """Two stores, a catalog and a retention schedule."""

    def __init__(
        self,
        store_a: Store,
        store_b: Store,
        catalog: Catalog,
        schedule: Schedule,
        clock: Callable[[], datetime] | None = None,
        down_cooldown: float = 15.0,
    ) -> None:
        if store_a.identity() == store_b.identity():
            raise ValueError("хранилища A и B должны быть разными")
        self.stores: dict[str, Store] = {"A": store_a, "B": store_b}
        self.catalog = catalog
        self.schedule = schedule
        self._clock = clock or (lambda: datetime.now(UTC))
        # A store that just failed is skipped for a while: new documents go straight to
        # pending replication instead of each waiting for the connection to fail again.
        self.down_cooldown = down_cooldown
        self._down_until: dict[str, float] = {}
        # Writes copy A on a helper thread while the caller's thread writes copy B.
        self._copy_pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def now(self) -> datetime:
        """The archive's clock (UTC)."""
        return self._clock()

    # -- writing ----------------------------------------------------------------------------------

    def archive(
        self,
        data: Source,
        metadata: DocumentMetadata,
        kind: str,
        *,
        actor: str = "",
        lock: ObjectLock | None = None,
    ) -> ArchivedDocument:
        """Archive a new document; the same bytes again return the existing row."""
        latest = self.catalog.find_document(metadata.document_id)
        stream = open_source(data)
        try:
            digest = digest_chunks(read_chunks(stream))
            if latest is not None:
                if latest.sha256 == digest.sha256 and latest.kind == kind:
                    return latest
                raise DocumentExists(
                    f"документ {metadata.document_id} уже в архиве (версия {latest.version}) "
                    "с другим содержимым; исправленный документ сохраняется как новая версия "
                    "с указанием причины"
                )
            return self._store_version(
                stream, digest.sha256, digest.size, metadata, kind, 1, None, "", actor, lock
            )
        finally:
            stream.close()

    def archive_many(
        self,
        items: Iterable[BatchItem],
        *,
        workers: int = 4,
        release: Callable[[], None] | None = None,
    ) -> list[BatchOutcome]:
        """Archive several documents at once, each exactly as :meth:`archive` does.

        ``workers`` documents are in flight at a time; every one keeps the write order (both
        copies read back before its catalog row). A document whose copies could not be written,
        or that is already archived with other bytes, gets its :class:`StorageError` in its
        outcome and the others go on. The same document id twice in ``items`` is archived once
        (the second returns the row of the first, like :meth:`archive`). ``items`` is consumed
        lazily. ``release`` runs in each worker thread when it finishes (e.g. to close that
        thread's database connection).

        Returns:
            One outcome per item, in the order of ``items``.
        """
        if workers < 1:
            raise ValueError("число потоков архивирования должно быть не меньше 1")
        for store in self.stores.values():
            # Once here rather than racing in every worker; a store that is down fails per copy.
            try:
                store.ensure_ready()
            except StorageError:
                pass
        source = enumerate(items)
        source_lock = threading.Lock()
        id_locks: dict[str, threading.Lock] = {}
        outcomes: dict[int, BatchOutcome] = {}
        failures: list[BaseException] = []

        def next_item() -> tuple[int, BatchItem, threading.Lock] | None:
            with source_lock:
                if failures:
                    return None
                try:
                    index, item = next(source)
                except StopIteration:
                    return None
                doc_lock = id_locks.setdefault(item.metadata.document_id, threading.Lock())
                return index, item, doc_lock

        def work() -> None:
            try:
                while (task := next_item()) is not None:
                    index, item, doc_lock = task
                    outcomes[index] = self._archive_item(item, doc_lock)
            except BaseException as exc:  # a bug, not a storage failure: stop the batch
                with source_lock:
                    failures.append(exc)
            finally:
                if release is not None:
                    try:
                        release()
                    except BaseException as exc:
                        with source_lock:
                            failures.append(exc)

        threads = [
            threading.Thread(target=work, name=f"archive-{n}", daemon=True) for n in range(workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]
        return [outcomes[i] for i in sorted(outcomes)]

    def _archive_item(self, item: BatchItem, doc_lock: threading.Lock) -> BatchOutcome:
        doc_id = item.metadata.document_id
        try:
            with doc_lock:  # the same id twice in a batch: one after the other
                entry = self.archive(
                    item.data, item.metadata, item.kind, actor=item.actor, lock=item.lock
                )
        except StorageError as exc:
            return BatchOutcome(doc_id, None, exc)
        return BatchOutcome(doc_id, entry)

    def correct(
        self,
        document_id: str,
        data: Source,
        *,
        reason: str,
        author: str,
        metadata: DocumentMetadata | None = None,
    ) -> ArchivedDocument:
        """Archive a corrected document as a new version linked to the latest one."""
        if not reason.strip() or not author.strip():
            raise ValueError("для исправления нужны причина и автор")
        previous = self.catalog.find_document(document_id)
        if previous is None:
            raise DocumentNotFound(f"документ {document_id} не найден в архиве")
        meta = metadata or DocumentMetadata(
            document_id=document_id,
            extension=previous.extra.get("extension", "pdf"),
            case_closed=previous.extra.get("case_closed", ""),
            **{f: getattr(previous, f) for f in META_FIELDS},
        )
        stream = open_source(data)
        try:
            digest = digest_chunks(read_chunks(stream))
            return self._store_version(
                stream,
                digest.sha256,
                digest.size,
                meta,
                previous.kind,
                previous.version + 1,
                previous,
                reason,
                author,
            )
        finally:
            stream.close()

    def _store_version(
        self,
        stream: BinaryIO,
        sha256: str,
        size: int,
        meta: DocumentMetadata,
        kind: str,
        version: int,
        previous: ArchivedDocument | None,
        reason: str,
        author: str,
        lock_override: ObjectLock | None = None,
    ) -> ArchivedDocument:
        rule = self.schedule.rule(kind)
        now = self.now()
        closed: int | None
        if rule.counted_from == "event" and not meta.case_closed:
            closed = None
        else:
            closed = case_closed_year(meta.year, meta.case_closed or None, now.date())
        # The bytes decide: a signed PDF archived without ``signer`` metadata is still a signed
        # record. The metadata can only make the lock stricter.
        signed = has_pdf_signature(stream) or bool(meta.signer)
        scan = scan_signatures(stream) if meta.extension == "pdf" else SignatureScan(LEVEL_NONE)
        decision = decide(rule, closed_year=closed, signed=signed, now=now)
        if lock_override is not None:
            decision = RetentionDecision(
                lock_override.mode, lock_override.retain_until, lock_override.legal_hold, closed
            )
        lock = ObjectLock(decision.mode, decision.retain_until, decision.legal_hold)
        key = f"{safe_id(kind)}/{key_id(meta.document_id)}/v{version}"
        object_meta = {
            "kind": kind,
            "document-id": meta.document_id,
            "version": str(version),
            "school": meta.school,
            "year": meta.year,
            "class": meta.class_id,
            "period": meta.period,
            "snapshot-id": meta.snapshot_id,
            "sha256": sha256,
            "signer": meta.signer,
            "retain-until": decision.retain_until.date().isoformat()
            if decision.retain_until
            else "",
            "legal-hold": "on" if decision.legal_hold else "off",
        }
        if previous is not None:
            object_meta["replaces-version"] = str(previous.version)
        results = self._put_both(key, stream, size, sha256, object_meta, lock)
        written = {r.letter: r.version_id for r in results if r.version_id}
        if not written:
            raise BothStoresDown("; ".join(r.error for r in results))
        state = ARCHIVED if len(written) == 2 else PENDING
        extra = dict(meta.extra)
        extra["extension"] = meta.extension
        if meta.case_closed:
            extra["case_closed"] = meta.case_closed
        entry = ArchivedDocument(
            id=0,
            document_id=meta.document_id,
            version=version,
            kind=kind,
            key=key,
            sha256=sha256,
            size=size,
            state=state,
            version_a=written.get("A"),
            version_b=written.get("B"),
            school=meta.school,
            year=meta.year,
            class_id=meta.class_id,
            period=meta.period,
            snapshot_id=meta.snapshot_id,
            signer=meta.signer,
            retain_until=decision.retain_until,
            lock_mode=decision.mode,
            legal_hold=decision.legal_hold,
            replaces_id=previous.id if previous else None,
            reason=reason,
            author=author,
            created_at=now,
            extra=extra,
            signature_level=scan.level,
            timestamp_expires=scan.timestamp_expires,
            timestamp_hash=scan.timestamp_hash,
        )
        detail: dict[str, object] = {
            "version": version,
            "sha256": sha256,
            "size": size,
            "state": state,
            "copies": sorted(written),
            "errors": [r.error for r in results if r.error],
        }
        if previous is not None:
            detail.update(replaces_version=previous.version, reason=reason)
        event = EventDraft(
            kind="correction" if previous else "ingest",
            document_id=meta.document_id,
            actor=author,
            detail=detail,
        )
        return self.catalog.add_entry(entry, event)

    def _pool(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._copy_pool is None:
                self._copy_pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="copy-a")
            return self._copy_pool

    def _put_both(
        self,
        key: str,
        stream: BinaryIO,
        size: int,
        sha256: str,
        object_meta: Mapping[str, str],
        lock: ObjectLock,
    ) -> list[CopyResult]:
        """Write and read back copies A and B; at the same time when the bytes are in memory.

        A stream in memory gives each copy its own reader over the same bytes; any other stream
        (a file) is read by one copy after the other.
        """
        if not isinstance(stream, io.BytesIO):
            return [
                self._put_copy(letter, key, stream, size, sha256, object_meta, lock)
                for letter in "AB"
            ]
        data = stream.getvalue()  # the BytesIO's own buffer when it was made from bytes
        future: Future[CopyResult] = self._pool().submit(
            self._put_copy, "A", key, io.BytesIO(data), size, sha256, object_meta, lock
        )
        result_b = self._put_copy("B", key, io.BytesIO(data), size, sha256, object_meta, lock)
        return [future.result(), result_b]

    def _put_copy(
        self,
        letter: str,
        key: str,
        stream: BinaryIO,
        size: int,
        sha256: str,
        object_meta: Mapping[str, str],
        lock: ObjectLock,
        *,
        force: bool = False,
    ) -> CopyResult:
        """Write one copy and read it back; a failure is returned, not raised."""
        store = self.stores[letter]
        if not force and self._down_until.get(letter, 0.0) > time.monotonic():
            return CopyResult(letter, None, f"{letter}: хранилище недавно было недоступно")
        try:
            stream.seek(0)
            version_id = store.put(key, stream, size, object_meta, lock)
            back = digest_chunks(store.iter_chunks(key, version_id))
        except StorageError as exc:
            if isinstance(exc, StoreUnavailable):
                self._down_until[letter] = time.monotonic() + self.down_cooldown
            log.warning("copy %s of %s not written: %s", letter, key, exc)
            return CopyResult(letter, None, f"{letter}: {exc}")
        self._down_until.pop(letter, None)
        if back.sha256 != sha256 or back.size != size:
            log.error("copy %s of %s read back with a different hash", letter, key)
            return CopyResult(letter, None, f"{letter}: копия прочитана с другим хешем")
        return CopyResult(letter, version_id)

    # -- replication ------------------------------------------------------------------------------

    def replicate_pending(self) -> ReplicationReport:
        """Write the missing copy of every ``pending_replication`` row whose store is back."""
        done: list[int] = []
        waiting: list[int] = []
        down: set[str] = set()
        for entry in list(self.catalog.list_entries(EntryFilter(state=PENDING))):
            target = "B" if entry.version_a else "A"
            if target in down:
                waiting.append(entry.id)
                continue
            try:
                self._replicate(entry)
                done.append(entry.id)
            except StoreUnavailable as exc:
                # Stop knocking on a store that is down; the rest wait for the next run.
                log.warning("replication to store %s postponed: %s", target, exc)
                down.add(target)
                waiting.append(entry.id)
            except StorageError as exc:
                log.warning("replication of entry %s postponed: %s", entry.id, exc)
                waiting.append(entry.id)
        return ReplicationReport(tuple(done), tuple(waiting))

    def _replicate(self, entry: ArchivedDocument) -> ArchivedDocument:
        source = "A" if entry.version_a else "B"
        target = "B" if source == "A" else "A"
        version = entry.copy_version(source)
        data = self._verified_copy(entry, source, version)
        try:
            lock = self.lock_of(entry)
            result = self._put_copy(
                target,
                entry.key,
                data,
                entry.size,
                entry.sha256,
                self.object_meta(entry),
                lock,
                force=True,
            )
        finally:
            data.close()
        if result.version_id is None:
            raise StoreUnavailable(self.stores[target].name, result.error.split(": ", 1)[-1])
        return self.catalog.update_entry(
            entry.id,
            {f"version_{target.lower()}": result.version_id, "state": ARCHIVED},
            EventDraft(
                "replication",
                entry.document_id,
                entry.id,
                detail={"from": source, "to": target, "version_id": result.version_id},
            ),
        )

    def _verified_copy(
        self, entry: ArchivedDocument, letter: str, version_id: str | None
    ) -> BinaryIO:
        """Spool one copy and check it against the catalog hash (never replicate a bad copy)."""
        if version_id is None:
            raise ObjectMissing(self.stores[letter].name, entry.key, None)
        data = spool(self.stores[letter].iter_chunks(entry.key, version_id))
        digest = digest_chunks(read_chunks(data))
        if digest.sha256 != entry.sha256:
            data.close()
            raise StorageError(f"копия {letter} документа {entry.document_id} повреждена")
        data.seek(0)
        return data

    def lock_of(self, entry: ArchivedDocument) -> ObjectLock:
        """The lock a copy of ``entry`` must carry."""
        mode = entry.lock_mode if entry.lock_mode in ("COMPLIANCE", "GOVERNANCE") else None
        until = entry.retain_until if mode else None
        return ObjectLock(mode, until, entry.legal_hold)  # type: ignore[arg-type]

    def object_meta(self, entry: ArchivedDocument) -> dict[str, str]:
        """The metadata written on each copy of ``entry``."""
        return {
            "kind": entry.kind,
            "document-id": entry.document_id,
            "version": str(entry.version),
            "school": entry.school,
            "year": entry.year,
            "class": entry.class_id,
            "period": entry.period,
            "snapshot-id": entry.snapshot_id,
            "sha256": entry.sha256,
            "signer": entry.signer,
            "retain-until": entry.retain_until.date().isoformat() if entry.retain_until else "",
            "legal-hold": "on" if entry.legal_hold else "off",
        }

    def delete_copies(self, entry: ArchivedDocument) -> list[str]:
        """Delete every stored version of ``entry`` (copies and retired ones); return refusals.

        Each store enforces its own lock: a refusal (retention, legal hold) is returned, not raised.
        """
        refused: list[str] = []
        targets: list[tuple[str, str | None]] = [
            (letter, entry.copy_version(letter)) for letter in "AB"
        ]
        for retired in entry.retired:
            retired_letter, _, retired_version = retired.partition(":")
            targets.append((retired_letter, retired_version))
        for letter, version_id in targets:
            if not version_id:
                continue
            store = self.stores[letter]
            try:
                if store.head(entry.key, version_id).lock.blocks_deletion(self.now()):
                    refused.append(f"{letter}:{version_id}: под блокировкой")
                    continue
                store.delete_version(entry.key, version_id)
            except ObjectMissing:
                continue
            except StorageError as exc:
                refused.append(f"{letter}:{version_id}: {exc}")
        return refused

    # -- reading ----------------------------------------------------------------------------------

    def find(self, document_id: str, version: int | None = None) -> ArchivedDocument:
        """The catalog row of a document version (latest by default)."""
        entry = self.catalog.find_document(document_id, version)
        if entry is None:
            suffix = f" версии {version}" if version else ""
            raise DocumentNotFound(f"документ {document_id}{suffix} не найден в архиве")
        return entry

    def read(self, document_id: str, version: int | None = None, *, actor: str = "") -> BinaryIO:
        """A verified copy of the document (A, or B when A is missing or damaged), as a stream."""
        entry = self.find(document_id, version)
        errors = []
        for letter in "AB":
            try:
                data = self._verified_copy(entry, letter, entry.copy_version(letter))
            except StorageError as exc:
                errors.append(str(exc))
                continue
            self.catalog.append_events(
                [
                    EventDraft(
                        "access",
                        entry.document_id,
                        entry.id,
                        actor,
                        {"copy": letter, "version": entry.version},
                    )
                ]
            )
            return data
        raise StorageError("не удалось прочитать ни одну копию: " + "; ".join(errors))

    def iter_read(self, document_id: str, version: int | None = None) -> Iterator[bytes]:
        """The document's bytes in chunks (verified before the first chunk)."""
        data = self.read(document_id, version)
        try:
            yield from read_chunks(data)
        finally:
            data.close()

    def versions(self, document_id: str) -> list[ArchivedDocument]:
        """Every version of a document, oldest first."""
        return list(
            self.catalog.list_entries(EntryFilter(document_id=document_id, include_disposed=True))
        )

    def status(self) -> ArchiveStatus:
        """Counts by state and the last audit summary."""
        return ArchiveStatus(self.catalog.count_by_state(), self.catalog.get_state("last_audit"))

    def record(
        self, kind: str, document_id: str = "", *, actor: str = "", **detail: object
    ) -> None:
        """Record an event about a document (e.g. ``validation``, ``signature-renewal``)."""
        entry = self.catalog.find_document(document_id) if document_id else None
        self.catalog.append_events(
            [EventDraft(kind, document_id, entry.id if entry else None, actor, dict(detail))]
        )

    def close_case(
        self, document_id: str, closed_on: date, *, actor: str = ""
    ) -> list[ArchivedDocument]:
        """An event-based case closed: see :func:`storage.relock.close_case`."""
        return relock.close_case(self, document_id, closed_on, actor=actor)

    def reapply_schedule(self, schedule: Schedule, *, actor: str = "") -> list[ArchivedDocument]:
        """Lengthen locks after a schedule change: see :func:`storage.relock.reapply_schedule`."""
        return relock.reapply_schedule(self, schedule, actor=actor)
