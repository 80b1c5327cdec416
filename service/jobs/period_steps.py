"""Steps of the period-close jobs: render one document, archive one signed document."""

from __future__ import annotations

import threading
from typing import Any

from service.jobs.models import Job, JobItem, PeriodClose
from service.jobs.period_close import PlannedDocument, work_dir
from service.jobs.steps import StepError, register

_snapshots: dict[str, Any] = {}
_lock = threading.Lock()


def snapshot_by_id(snapshot_id: str) -> Any:
    """A stored snapshot, loaded once per process."""
    from service.journal.store import load_snapshot

    with _lock:
        if snapshot_id not in _snapshots:
            _snapshots.clear()  # one school year at a time per worker is plenty
            _snapshots[snapshot_id] = load_snapshot(snapshot_id)
        return _snapshots[snapshot_id]


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


@register("period-render", queue="render")
def render_step(job: Job, item: JobItem) -> dict[str, Any]:
    """Render one document of the set into the close's work directory."""
    from service.documents.common import DocumentProblem
    from service.documents.kinds import render_kind

    snapshot = snapshot_by_id(job.params["snapshot_id"])
    tmp = work_dir(job.params["close_id"]) / "tmp" / f"{abs(hash(item.key))}-{item.attempts}.pdf"
    try:
        doc = render_kind(snapshot, item.params["kind"], item.params["params"], tmp)
    except DocumentProblem as exc:
        raise StepError(str(exc)) from exc
    final = work_dir(job.params["close_id"]) / "rendered" / f"{doc.document_id}.pdf"
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp.replace(final)  # atomic: a half-written file never has the final name
    return {
        "document_id": doc.document_id,
        "kind": doc.kind,
        "title": doc.title,
        "class_id": doc.class_id,
        "period_id": doc.period_id,
        "pages": doc.pages,
        "sha256": doc.sha256,
        "fields": list(doc.signature_fields),
    }


@register("period-archive", queue="archive")
def archive_step(job: Job, item: JobItem) -> dict[str, Any]:
    """Archive one signed document into stores A and B (idempotent by document id)."""
    from service.archive.wiring import get_archive
    from storage.archive import DocumentMetadata

    close = PeriodClose.objects.get(pk=job.params["close_id"])
    meta = item.params
    signed = work_dir(close.id) / "signed" / f"{meta['document_id']}.pdf"
    if not signed.exists():
        raise StepError(f"Документ {meta['document_id']}: нет подписанного файла")
    snapshot_year = job.params.get("year", "")
    entry = get_archive().archive(
        signed.read_bytes(),
        DocumentMetadata(
            document_id=meta["document_id"],
            school=close.school_id,
            year=snapshot_year,
            class_id=meta.get("class_id", ""),
            period=close.period_id,
            snapshot_id=close.snapshot_id,
            signer=job.params.get("signer", ""),
        ),
        meta["kind"],
        actor=job.params.get("actor", ""),
    )
    return {
        "entry_id": getattr(entry, "id", None),
        "version": getattr(entry, "version", 1),
        "state": str(getattr(entry, "state", "")),
    }
