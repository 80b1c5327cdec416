"""Steps of the period-close jobs: render one document, archive one signed document."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

from service.jobs import work_files
from service.jobs.models import Job, JobItem, PeriodClose
from service.jobs.period_close import PlannedDocument
from service.jobs.steps import StepError, register, register_batch

_snapshots: dict[str, Any] = {}
_lock = threading.Lock()
# Snapshots kept per worker process: the job window interleaves the closes of several schools on
# each worker, so one cached school year would be loaded again for almost every item.
SNAPSHOTS_KEPT = 6


def snapshot_by_id(snapshot_id: str) -> Any:
    """A stored snapshot, loaded once per process (the few most recently used are kept)."""
    from service.journal.store import load_snapshot

    with _lock:
        snapshot = _snapshots.pop(snapshot_id, None)
        if snapshot is None:
            snapshot = load_snapshot(snapshot_id)
            while len(_snapshots) >= SNAPSHOTS_KEPT:
                del _snapshots[next(iter(_snapshots))]  # the least recently used
        _snapshots[snapshot_id] = snapshot
        return snapshot


def item_key(kind: str, params: dict[str, str]) -> str:
    """The stable identity of a document of the set (its document id is a hash of the same)."""
    return kind + "|" + "|".join(f"{k}={v}" for k, v in sorted(params.items()) if v)


def plan_close(
    snapshot: Any, period_id: str, classes: set[str] | None = None
) -> list[PlannedDocument]:
    """The period-end set in print order, for every class or only ``classes`` ("—": school-wide)."""
    from service.documents.period_set import period_jobs

    planned = []
    for job in period_jobs(snapshot, period_id):
        params = dict(job.params)
        if classes is not None and (params.get("class") or "—") not in classes:
            continue
        planned.append(
            PlannedDocument(
                item_key(job.kind, params),
                job.kind,
                job.title,
                params.get("class", ""),
                {"params": params, "path": job.relative_path},
            )
        )
    return planned


def content_key(data: Any, policy: Any = None) -> str:
    """What a document says and how it looks, independent of when and from which import it was
    made: the hash of the builder data (without the snapshot id and issue date), of the policy
    sections its kind reads and of its template version (see ``service.documents.content_key``).
    """
    return document_key(data, policy).value


def document_key(data: Any, policy: Any = None) -> Any:
    """The :class:`~service.documents.content_key.ContentKey` of built data (configured policy
    by default)."""
    from service.documents.content_key import content_key as key_of

    if policy is None:
        from service.policy import school_policy

        policy = school_policy()
    return key_of(data, policy)


def same_content(latest: Any, data: Any, key: Any) -> bool:
    """Whether an archived version already holds this content (by its key, or by the key it was
    archived with before the key covered the policy and the template version)."""
    from service.documents.content_key import PARTS, legacy_key

    stored = latest.extra.get("content_key")
    if stored == key.value:
        return True
    if all(f"{p}_key" in latest.extra for p in PARTS):
        return False
    return bool(stored) and stored == legacy_key(data)


def archived_latest(document_id: str) -> Any:
    """The latest archived version of a document, or None."""
    from service.archive.wiring import get_archive

    return get_archive().catalog.find_document(document_id)


def _close_of(job: Job) -> PeriodClose:
    return PeriodClose.objects.get(pk=job.params["close_id"])


@register("period-render", queue="render")
def render_step(job: Job, item: JobItem) -> dict[str, Any]:
    """Build one document; if the archive holds the same content, reuse it, else render it into
    the close's work files (a local scratch file, then one put: a half-written file never has the
    final key).
    """
    from service.documents.common import DocumentProblem
    from service.documents.kinds import build, render_data

    snapshot = snapshot_by_id(job.params["snapshot_id"])
    if item.params.get("order"):
        return draft_order_step(job, snapshot)
    try:
        data = build(snapshot, item.params["kind"], item.params["params"])
    except DocumentProblem as exc:
        raise StepError(
            f"Документ не собирается из данных журнала: {exc}. "
            "Исправьте данные в журнале, загрузите его снова и повторите."
        ) from exc
    content = document_key(data)
    key = content.value
    meta = data.meta
    described = {
        "document_id": meta.document_id,
        "kind": meta.kind,
        "title": meta.title,
        "class_id": meta.class_id,
        "period_id": meta.period_id,
        "content_key": key,
        **content.parts(),
    }
    latest = archived_latest(meta.document_id)
    if latest is not None and same_content(latest, data, content):
        return {**described, "unchanged": True, "version": latest.version, "pages": 0, "fields": []}
    if latest is not None:
        from service.jobs.corrections import describe_changes

        described["correction"] = describe_changes(
            latest, data, content, snapshot, item.params["params"]
        )
    with tempfile.TemporaryDirectory(prefix="vedomost-render-") as scratch:
        try:
            doc = render_data(data, Path(scratch) / "document.pdf")
        except DocumentProblem as exc:
            raise StepError(
                f"Документ не оформляется: {exc}. Исправьте данные и повторите."
            ) from exc
        work_files.put(
            job.params["close_id"], work_files.RENDERED, doc.document_id, doc.path.read_bytes()
        )
    return {
        **described,
        "pages": doc.pages,
        "sha256": doc.sha256,
        "fields": list(doc.signature_fields),
        "archived_version": latest.version if latest is not None else 0,
    }


def draft_order_step(job: Job, snapshot: Any) -> dict[str, Any]:
    """Draft the year's transfer order (or find the earlier draft): numbered, not signed here."""
    from service.jobs.year_orders import draft_transfer_order
    from service.orders.context import ParamError
    from service.orders.numbering import NumberingError

    user = getattr(job.created_by, "username", "") if job.created_by_id else ""
    try:
        draft = draft_transfer_order(snapshot, user or "закрытие учебного года")
    except (ParamError, NumberingError) as exc:
        raise StepError(f"Приказ о переводе не оформлен: {exc}.") from exc
    return {
        "document_id": draft.document_id,
        "kind": "transfer",
        "title": draft.title,
        "class_id": "",
        "period_id": "",
        "draft": True,
        "number": draft.number,
        "date": draft.date.isoformat(),
        "reused": draft.reused,
        "rebuilt": draft.rebuilt,
        "notice": draft.notice,
        "pages": 0,
        "fields": [],
    }


def correction_reason(close: PeriodClose, meta: dict[str, Any] | None = None) -> str:
    """Why a changed document becomes a new version: the user's words, or its causes (the
    corrected journal snapshot by its number and date, the policy, the template)."""
    from service.jobs.corrections import correction_reason as reason_of

    parts = ((meta or {}).get("correction") or {}).get("changed_parts") or ("data",)
    return reason_of(close.reason, close.snapshot_id, parts)


def version_extra(close: PeriodClose, meta: dict[str, Any]) -> dict[str, str]:
    """The archive metadata of a close's document: its content key and parts, the close, and
    for a new version what changed (Russian lines) and why."""
    from service.documents.content_key import PARTS

    extra = {"content_key": meta.get("content_key", ""), "close_id": str(close.id)}
    extra.update({f"{p}_key": meta[f"{p}_key"] for p in PARTS if f"{p}_key" in meta})
    correction = meta.get("correction") or {}
    if correction:
        extra["causes"] = "; ".join(correction.get("causes", ()))
        extra["changes"] = "\n".join(correction.get("changes", ()))
    return extra


ARCHIVE_BATCH = 16
"""Signed documents per archive task: archived by ``Archive.archive_many``, several at a time."""
ARCHIVE_THREADS = 4


def _reused(entry: Any) -> dict[str, Any]:
    return {
        "entry_id": entry.id,
        "version": entry.version,
        "state": str(entry.state),
        "reused": True,
    }


def _archived(entry: Any) -> dict[str, Any]:
    return {
        "entry_id": entry.id,
        "version": entry.version,
        "state": str(entry.state),
        "reason": entry.reason,
    }


def _metadata(job: Job, close: PeriodClose, meta: dict[str, Any]) -> Any:
    from storage.archive import DocumentMetadata

    actor = job.params.get("actor", "") or "vedomost"
    return DocumentMetadata(
        document_id=meta["document_id"],
        school=close.school_id,
        year=job.params.get("year", ""),
        class_id=meta.get("class_id", ""),
        period=close.period_id,
        snapshot_id=close.snapshot_id,
        signer=job.params.get("signer", "") or actor,
        extra=version_extra(close, meta),
    )


def _storage_failure(exc: Exception) -> StepError:
    """A Russian message for a document the archive could not take."""
    from storage.errors import BothStoresDown

    if isinstance(exc, BothStoresDown):
        return StepError(
            "Оба хранилища архива недоступны: проверьте диски или серверы "
            f"хранилищ A и B и нажмите «Повторить» ({exc})."
        )
    return StepError(f"Документ не сдан в архив: {exc}. Нажмите «Повторить».")


@register_batch("period-archive", queue="archive", size=ARCHIVE_BATCH)
def archive_batch(job: Job, items: list[JobItem]) -> dict[str, dict[str, Any] | StepError]:
    """Archive a batch of signed documents into stores A and B, each outcome on its own.

    New documents go through ``Archive.archive_many`` (several at once, A and B in parallel,
    each read back before its catalog row); a document archived before with other content
    becomes a new version linked to it, with the close's reason. Idempotent by document id:
    when the latest archived version already has this document's content key (a repeated task,
    a worker killed after the archive wrote it, two workers racing), that version is reused.
    """
    from django.db import connection

    from service.archive.wiring import get_archive
    from storage.archive import BatchItem
    from storage.errors import DocumentExists, StorageError

    close = _close_of(job)
    archive = get_archive()
    actor = job.params.get("actor", "") or "vedomost"
    results: dict[str, dict[str, Any] | StepError] = {}
    fresh: list[JobItem] = []
    for item in items:
        meta = item.params
        latest = archive.catalog.find_document(meta["document_id"])
        if latest is not None and latest.extra.get("content_key") == meta.get("content_key"):
            results[item.key] = _reused(latest)
        elif latest is None:
            fresh.append(item)
        else:
            results[item.key] = _correct(archive, job, close, item, actor)

    missing = StepError(
        "Нет подписанного файла документа: подпишите документы ещё раз («Повторить»)."
    )

    def batch() -> Any:
        for item in fresh:
            signed = work_files.read(close.id, work_files.SIGNED, item.params["document_id"])
            if signed is None:
                results[item.key] = missing
                continue
            yield BatchItem(signed, _metadata(job, close, item.params), item.params["kind"], actor)

    by_document = {i.params["document_id"]: i for i in fresh}
    outcomes = archive.archive_many(
        batch(), workers=ARCHIVE_THREADS, release=lambda: connection.close()
    )
    for outcome in outcomes:
        item = by_document[outcome.document_id]
        if outcome.entry is not None:
            results[item.key] = _archived(outcome.entry)
            continue
        latest = archive.catalog.find_document(outcome.document_id)
        if (
            isinstance(outcome.error, DocumentExists)
            and latest is not None
            and latest.extra.get("content_key") == item.params.get("content_key")
        ):
            results[item.key] = _reused(latest)  # another worker archived it a moment before
        else:
            results[item.key] = _storage_failure(outcome.error or StorageError("нет ответа"))
    return results


def _correct(
    archive: Any, job: Job, close: PeriodClose, item: JobItem, actor: str
) -> dict[str, Any] | StepError:
    """A changed document: a new version linked to the archived one."""
    from storage.errors import StorageError

    meta = item.params
    signed = work_files.read(close.id, work_files.SIGNED, meta["document_id"])
    if signed is None:
        return StepError(
            "Нет подписанного файла документа: подпишите документы ещё раз («Повторить»)."
        )
    try:
        entry = archive.correct(
            meta["document_id"],
            signed,
            reason=correction_reason(close, meta),
            author=actor,
            metadata=_metadata(job, close, meta),
        )
    except StorageError as exc:
        return _storage_failure(exc)
    return _archived(entry)
