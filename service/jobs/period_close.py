"""The period-close pipeline: plan → render (workers) → sign (director, once) → archive (workers).

Contracts of the steps:
- ``plan_close(snapshot, period_id)`` → the documents of the period-end set, each with a stable
  document id (the job item key), per class; nothing is written.
- render (job kind ``period-render``, queue ``render``): one document → ``rendered/<id>.pdf`` in
  the close's work files (:mod:`service.jobs.work_files`: the shared work store, not a local
  directory, so workers on several hosts take part); a repeated task writes the same key again.
- sign (job kind ``period-sign``): every rendered PDF signed into its empty ``director`` field with
  one key unlock, in the process where the director typed the password (the secret never goes
  through the broker or the database) → ``signed/<id>.pdf`` in the work files.
- archive (job kind ``period-archive``, queue ``archive``): batches of signed PDFs into stores A
  and B via ``get_archive().archive_many`` — idempotent by document id (the same bytes return the
  existing row), each item's state recorded on its own.
On failure an item is marked failed with a Russian message and can be retried; nothing half-written
is visible under its final key. The work files are deleted when the close is archived.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from service.documents.kinds import label as kind_label
from service.jobs.models import ItemState, JobItem, PeriodClose


@dataclass(frozen=True)
class PlannedDocument:
    """One document of the period-end set, before rendering."""

    document_id: str
    kind: str
    title: str
    class_id: str
    params: dict[str, Any] = field(default_factory=dict)


def kind_title(kind_id: str) -> str:
    """The Russian name of a document kind, as the close shows it."""
    return kind_label(kind_id)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class ClassCount:
    class_id: str
    kinds: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


def counts_per_class(planned: list[PlannedDocument]) -> list[ClassCount]:
    """Documents per class and kind, for the wizard's overview."""
    by_class: dict[str, dict[str, int]] = {}
    for doc in planned:
        kinds = by_class.setdefault(doc.class_id or "—", {})
        kinds[doc.kind] = kinds.get(doc.kind, 0) + 1
    return [ClassCount(c, k) for c, k in sorted(by_class.items(), key=lambda x: _class_key(x[0]))]


def _class_key(class_id: str) -> tuple[int, str]:
    digits = "".join(ch for ch in class_id if ch.isdigit())
    return (int(digits) if digits else 99, class_id)


@dataclass(frozen=True)
class ChangedDocument:
    """A document the close archived as a new version: which, why, and what changed in it."""

    document_id: str
    title: str
    class_id: str
    version: int
    reason: str
    causes: list[str] = field(default_factory=list)
    """Russian: what part of the content changed («изменились данные журнала», …)."""
    changes: list[str] = field(default_factory=list)
    """Russian lines: «Иванова Анна, Математика, 12.09.2024: 4 → 5»."""


@dataclass(frozen=True)
class ClosingReport:
    """What the close produced: counts, anything pending, where to look."""

    period_name: str
    state: str
    documents: int
    rendered: int
    signed: int
    archived: int
    pending_replication: int
    unchanged: int
    new_versions: int
    failed: list[tuple[str, str]]
    by_kind: dict[str, int]
    pages: int
    started_at: Any
    signed_at: Any
    archived_at: Any
    drafts: list[str] = field(default_factory=list)
    """Russian lines: orders drafted by the close that wait for the director («№ 12-у от …»)."""
    inventory: str = ""
    """Russian line: the year's inventory (опись) archived by a year close, "" when none."""
    changed: list[ChangedDocument] = field(default_factory=list)
    """Documents archived as new versions by this close, with their reason and changes."""


def closing_report(close: PeriodClose) -> ClosingReport:
    """Summarise a close from its jobs' items."""
    from service.jobs.year_inventory import inventory_line

    def items(job: Any, state: str | None = None) -> list[JobItem]:
        if job is None:
            return []
        rows = JobItem.objects.filter(job=job)
        return list(rows.filter(state=state) if state else rows)

    rendered = items(close.render_job, ItemState.DONE)
    archived = items(close.archive_job, ItemState.DONE)
    failed = [
        (i.label or i.key, i.error)
        for job in (close.render_job, close.sign_job, close.archive_job)
        for i in items(job, ItemState.FAILED)
    ]
    by_kind: dict[str, int] = {}
    drafts = []
    for item in rendered:
        if item.result.get("draft"):
            title = str(item.result.get("title", ""))
            label = f"Приказ {title[:1].lower()}{title[1:]}".strip()
            number = item.result.get("number", "")
            day = ".".join(reversed(str(item.result.get("date", "")).split("-")))
            state = "проект, ждёт подписи директора (раздел «Приказы»)"
            if item.result.get("rebuilt"):
                state = (
                    "проект пересобран по изменённым решениям педсовета, номер сохранён; "
                    "ждёт подписи директора (раздел «Приказы»)"
                )
            drafts.append(
                item.result.get("notice") or f"{label} № {number or 'б/н'} от {day}: {state}"
            )
        else:
            label = kind_title(item.params.get("kind", ""))
        by_kind[label] = by_kind.get(label, 0) + 1
    return ClosingReport(
        period_name=close.period_name,
        state=close.get_state_display(),
        documents=close.render_job.total if close.render_job else 0,
        rendered=sum(
            1 for i in rendered if not i.result.get("unchanged") and not i.result.get("draft")
        ),
        signed=len(items(close.sign_job, ItemState.DONE)),
        archived=len(archived),
        pending_replication=sum(
            1 for i in archived if i.result.get("state") == "pending_replication"
        ),
        unchanged=sum(1 for i in rendered if i.result.get("unchanged")),
        new_versions=sum(
            1 for i in archived if i.result.get("version", 1) > 1 and not i.result.get("reused")
        ),
        failed=failed,
        by_kind=by_kind,
        pages=sum(int(i.result.get("pages", 0)) for i in rendered),
        started_at=close.created_at,
        signed_at=close.signed_at,
        archived_at=close.archived_at,
        drafts=drafts,
        inventory=inventory_line(close),
        changed=changed_documents(archived),
    )


def changed_documents(archived: list[JobItem]) -> list[ChangedDocument]:
    """The new versions among a close's archived items, in print order."""
    out = []
    for item in archived:
        if item.result.get("reused") or int(item.result.get("version", 1)) < 2:
            continue
        correction = item.params.get("correction") or {}
        out.append(
            ChangedDocument(
                document_id=str(item.params.get("document_id", item.key)),
                title=item.label or str(item.params.get("title", "")),
                class_id=str(item.params.get("class_id", "")),
                version=int(item.result["version"]),
                reason=str(item.result.get("reason", "")),
                causes=list(correction.get("causes", ())),
                changes=list(correction.get("changes", ())),
            )
        )
    return out


@transaction.atomic
def start_close(
    user: Any,
    snapshot: Any,
    period_id: str,
    planned: list[PlannedDocument],
    *,
    start: bool = True,
    classes: list[str] | None = None,
    reason: str = "",
    close_kind: str = "period",
    period_name: str = "",
) -> PeriodClose:
    """Create the close and its render job; the job is queued when the transaction commits
    (unless ``start`` is false: the caller runs it, e.g. with ``tasks.run_inline``)."""
    from service.jobs.progress import PlannedItem, create_job
    from service.jobs.tasks import start_job

    if not planned:
        raise ValueError("пустой состав документов")
    if not period_name:
        period_name = snapshot.period_by_id[period_id].name
    job = create_job(
        snapshot.school.id,
        "period-render",
        [
            PlannedItem(
                d.document_id,
                f"{d.class_id} · {d.title}".strip(" ·"),
                {"kind": d.kind, "class_id": d.class_id, **d.params},
            )
            for d in planned
        ],
        params={
            "snapshot_id": snapshot.snapshot_id,
            "period_id": period_id,
            "year": snapshot.year.id,
        },
        user=user,
    )
    close = PeriodClose.objects.create(
        school_id=snapshot.school.id,
        snapshot_id=snapshot.snapshot_id,
        period_id=period_id,
        period_name=period_name,
        close_kind=close_kind,
        classes=sorted(classes) if classes is not None else None,
        reason=reason,
        state=PeriodClose.State.RENDERING,
        render_job=job,
        created_by=user if getattr(user, "pk", None) else None,
    )
    job.params["close_id"] = str(close.id)
    job.save(update_fields=["params"])
    if start:
        transaction.on_commit(lambda: start_job(job))
    return close


STAGE_FAILURES = {
    "rendering": "Не все документы сформированы (ошибок: {n}). Исправьте причину, указанную "
    "у документа, и нажмите «Повторить».",
    "signing": "Не все документы подписаны (ошибок: {n}). Нажмите «Повторить».",
    "archiving": "Не все документы сданы в архив (ошибок: {n}). Проверьте хранилища и нажмите "
    "«Повторить».",
}


def advance(close: PeriodClose) -> PeriodClose:
    """Move the close's state on when the job of its current stage has finished: forward when
    every item is done, to «failed» (with what to do) when some are not."""
    from service.jobs.models import JobState

    stage_jobs = {
        PeriodClose.State.RENDERING: (close.render_job, PeriodClose.State.RENDERED),
        PeriodClose.State.SIGNING: (close.sign_job, PeriodClose.State.SIGNED),
        PeriodClose.State.ARCHIVING: (close.archive_job, PeriodClose.State.ARCHIVED),
    }
    if close.state not in stage_jobs:
        if close.state == PeriodClose.State.RENDERED and not _anything_to_sign(close):
            return _move(close, PeriodClose.State.ARCHIVED)  # every document already archived
        return close
    job, next_state = stage_jobs[PeriodClose.State(close.state)]
    if job is None:
        return close
    job.refresh_from_db()
    if job.state == JobState.DONE:
        close = _move(close, next_state)
        return advance(close) if next_state == PeriodClose.State.RENDERED else close
    if job.state == JobState.FAILED:
        failed = JobItem.objects.filter(job=job, state=ItemState.FAILED).count()
        error = STAGE_FAILURES[close.state].format(n=failed)
        if job.error:
            error = f"{job.error} {error}"
        return _move(close, PeriodClose.State.FAILED, stage=close.state, error=error)
    return close


def _anything_to_sign(close: PeriodClose) -> bool:
    done = JobItem.objects.filter(job=close.render_job, state=ItemState.DONE)
    return any(not i.result.get("unchanged") and not i.result.get("draft") for i in done)


def _move(close: PeriodClose, state: str, *, stage: str = "", error: str = "") -> PeriodClose:
    update: dict[str, Any] = {"state": state, "error": error}
    if stage:
        update["stage"] = stage
    if state == PeriodClose.State.ARCHIVED:
        update["archived_at"] = timezone.now()
    PeriodClose.objects.filter(pk=close.pk).update(**update)
    close.refresh_from_db()
    if state == PeriodClose.State.ARCHIVED:
        remove_work_files(close)
    return close


def remove_work_files(close: PeriodClose) -> None:
    """Delete a close's work files (once archived, the archive holds every document)."""
    from service.jobs import work_files

    work_files.remove(close.id)
