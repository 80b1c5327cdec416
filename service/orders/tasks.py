"""Celery tasks of the orders app: thin wrappers around ``produce.make_document``.

Not retried automatically: a retry would take a second number from the register. The converter
already retries LibreOffice failures with restarts inside its time limit; domain errors (bad
parameters, a rejected template, conversion failure) end the task with a Russian message.
A worker process keeps its converter warm between tasks (``default_converter``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task

from service.jobs.base import SchoolTask
from service.orders.files import output_dir


@shared_task(base=SchoolTask, name="orders.make_document")
def make_document_task(
    snapshot_id: str,
    kind: str,
    params: dict[str, str],
    *,
    school_id: str,
    user: str = "",
    date: str | None = None,
) -> dict[str, Any]:
    """Make one document from a stored snapshot; write DOCX and PDF under the data directory."""
    from service.journal.store import load_snapshot
    from service.orders.produce import OrderRequest, make_document

    snapshot = load_snapshot(snapshot_id)
    if snapshot.school.id != school_id:
        raise PermissionError("срез журнала принадлежит другой школе")
    made = make_document(
        snapshot, OrderRequest(kind, params, dt.date.fromisoformat(date) if date else None, user)
    )
    target = output_dir(made.document_id)
    target.mkdir(parents=True, exist_ok=True)
    (target / f"{made.file_stem}.docx").write_bytes(made.docx)
    if made.pdf is not None:
        (target / f"{made.file_stem}.pdf").write_bytes(made.pdf)
    return {
        "document_id": made.document_id,
        "number": made.number,
        "kind": made.kind,
        "template": made.template_label,
        "dir": str(target),
    }
