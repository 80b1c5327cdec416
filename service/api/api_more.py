"""API operations over the journal, the period close, the archive and verification."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import File, Query, UploadedFile
from ninja.responses import Status

from service.accounts.access_log import Access, record_access
from service.accounts.permissions import Action, Target, can, school_of
from service.api.api import DENIED, api
from service.api.schemas import (
    CloseIn,
    CloseOut,
    DocumentOut,
    DocumentQuery,
    ErrorOut,
    ImportOut,
    InvalidInputOut,
    SignatureOut,
    responses,
)
from service.jobs.models import PeriodClose

MAX_UPLOAD = 200 * 1024 * 1024
NOT_FOUND = {"detail": "Не найдено"}


def _close_out(close: PeriodClose) -> dict[str, Any]:
    return {
        "id": str(close.id),
        "period_id": close.period_id,
        "period_name": close.period_name,
        "state": close.state,
        "state_label": close.get_state_display(),
        "documents": close.render_job.total if close.render_job else 0,
        "render_job": str(close.render_job_id) if close.render_job_id else None,
        "sign_job": str(close.sign_job_id) if close.sign_job_id else None,
        "archive_job": str(close.archive_job_id) if close.archive_job_id else None,
    }


@api.post(
    "/imports",
    response=responses(_201=ImportOut, _400=InvalidInputOut, _403=ErrorOut),
    tags=["journal"],
)
def import_export(request: HttpRequest, file: File[UploadedFile]) -> Status[Any]:
    """Import a journal export (all or nothing; only of the caller's own school)."""
    from service.accounts.snapshots import forget
    from service.journal.errors import InvalidInput
    from service.journal.importer import import_file

    if not can(request.user, Action.IMPORT_JOURNAL):
        return Status(403, DENIED)
    name = Path(file.name or "upload.json").name
    if (file.size or 0) > MAX_UPLOAD:
        return Status(400, {"detail": "Файл слишком большой", "problems": []})
    suffix = ".json.gz" if name.endswith(".json.gz") else Path(name).suffix.lower() or ".json"
    with tempfile.TemporaryDirectory(prefix="vedomost-api-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        try:
            with transaction.atomic():
                result = import_file(path)
                if result.school_id != school_of(request.user):
                    raise _OtherSchool
        except InvalidInput as exc:
            problems = [
                {"file": name, "location": p.location, "field": p.field, "message": p.message}
                for p in exc.problems
            ]
            return Status(400, {"detail": "Выгрузка не загружена", "problems": problems})
        except _OtherSchool:
            return Status(403, {"detail": "Выгрузка относится к другой школе"})
    forget()
    record_access(request.user, Access.IMPORT, "snapshot", result.snapshot_id, name)
    data = result.to_dict()
    data["changes"] = result.diff.summary() if result.diff else ""
    return Status(201, data)


class _OtherSchool(Exception):
    pass


@api.post(
    "/period-closes",
    response=responses(_202=CloseOut, _400=ErrorOut, _403=ErrorOut),
    tags=["period close"],
)
def start_period_close(request: HttpRequest, body: CloseIn) -> Status[Any]:
    """Plan and start generating a period's documents (poll the render job)."""
    from service.accounts.snapshots import current_snapshot
    from service.jobs.close_engine import open_close
    from service.jobs.close_plan import CloseProblem, resolve_target

    if not can(request.user, Action.PREPARE_PERIOD):
        return Status(403, DENIED)
    snapshot = current_snapshot(school_of(request.user) or "")
    if snapshot is None:
        return Status(400, {"detail": "Журнал ещё не загружен"})
    classes = set(body.classes) if body.classes is not None else None
    try:  # an empty list is refused: no selection means nothing, not everything
        target = resolve_target(snapshot, body.period_id)
        close, _resumed = open_close(request.user, snapshot, target, classes, start=True)
    except CloseProblem as exc:
        return Status(400, {"detail": str(exc)})
    return Status(202, _close_out(close))


@api.get(
    "/period-closes/{close_id}",
    response=responses(_200=CloseOut, _403=ErrorOut, _404=ErrorOut),
    tags=["period close"],
)
def get_period_close(request: HttpRequest, close_id: str) -> Status[Any]:
    """A period close and the ids of its jobs."""
    import uuid

    from service.jobs.period_close import advance

    if not can(request.user, Action.PREPARE_PERIOD):
        return Status(403, DENIED)
    try:
        uuid.UUID(close_id)
    except ValueError:
        return Status(404, NOT_FOUND)
    close = PeriodClose.objects.filter(pk=close_id, school_id=school_of(request.user)).first()
    if close is None:
        return Status(404, NOT_FOUND)
    return Status(200, _close_out(advance(close)))


def _document_out(entry: Any) -> dict[str, Any]:
    return {
        "document_id": entry.document_id,
        "version": entry.version,
        "kind": entry.kind,
        "class_id": entry.class_id,
        "period": entry.period,
        "year": entry.year,
        "sha256": entry.sha256,
        "size": entry.size,
        "state": entry.state,
        "created_at": entry.created_at.isoformat(),
        "download_url": f"/api/documents/{entry.document_id}/versions/{entry.version}/pdf",
    }


@api.get("/documents", response=responses(_200=list[DocumentOut], _403=ErrorOut), tags=["archive"])
def list_documents(request: HttpRequest, query: Query[DocumentQuery]) -> Status[Any]:
    """Archived documents of the school (latest first), filtered by kind, class and period."""
    from service.archive.models import Entry

    if not can(request.user, Action.SEARCH_ARCHIVE):
        return Status(403, DENIED)
    rows = Entry.objects.filter(school=school_of(request.user)).exclude(state="disposed")
    if query.kind:
        rows = rows.filter(kind=query.kind)
    if query.class_id:
        rows = rows.filter(class_id=query.class_id)
    if query.period:
        rows = rows.filter(period=query.period)
    rows = rows.order_by("-created_at", "-id")[query.offset : query.offset + query.limit]
    return Status(200, [_document_out(e) for e in rows])


def _entry(request: HttpRequest, document_id: str, version: int | None) -> Any:
    from service.archive.models import Entry

    rows = Entry.objects.filter(document_id=document_id, school=school_of(request.user))
    rows = rows.filter(version=version) if version is not None else rows.order_by("-version")
    return rows.first()


@api.get(
    "/documents/{document_id}",
    response=responses(_200=list[DocumentOut], _403=ErrorOut, _404=ErrorOut),
    tags=["archive"],
)
def document_versions(request: HttpRequest, document_id: str) -> Status[Any]:
    """Every version of an archived document."""
    from service.archive.models import Entry

    latest = _entry(request, document_id, None)
    if latest is None:
        return Status(404, NOT_FOUND)
    school = school_of(request.user) or ""
    if not (
        can(request.user, Action.SEARCH_ARCHIVE)
        or can(request.user, Action.DOWNLOAD_DOCUMENT, Target(school, latest.class_id or None))
    ):
        return Status(403, DENIED)
    rows = Entry.objects.filter(document_id=document_id, school=school).order_by("version")
    return Status(200, [_document_out(e) for e in rows])


@api.get(
    "/documents/{document_id}/versions/{version}/pdf",
    response=responses(_200=None, _403=ErrorOut, _404=ErrorOut),
    tags=["archive"],
    openapi_extra={
        "responses": {
            200: {
                "description": "PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_document(request: HttpRequest, document_id: str, version: int) -> Any:
    """The PDF of one version, read back from the archive with its hash checked."""
    from service.archive.wiring import get_archive

    entry = _entry(request, document_id, version)
    if entry is None:
        return Status(404, NOT_FOUND)
    school = school_of(request.user) or ""
    if not can(request.user, Action.DOWNLOAD_DOCUMENT, Target(school, entry.class_id or None)):
        return Status(403, DENIED)
    data = get_archive().read(document_id, version, actor=request.user.username).read()
    record_access(request.user, Access.DOWNLOAD, "document", document_id, f"v{version} api")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document_id}-v{version}.pdf"'
    return response


@api.post(
    "/verify", response=responses(_200=SignatureOut, _400=ErrorOut, _403=ErrorOut), tags=["archive"]
)
def verify_document(request: HttpRequest, file: File[UploadedFile]) -> Status[Any]:
    """Validate a PDF's signatures and say whether it matches an archived document."""
    from service.web.verification import verify_pdf

    if not can(request.user, Action.VERIFY_DOCUMENT):
        return Status(403, DENIED)
    if (file.size or 0) > MAX_UPLOAD:
        return Status(400, {"detail": "Файл слишком большой"})
    result = verify_pdf(file.read(), school_of(request.user) or "")
    return Status(
        200,
        {
            "valid": result.valid,
            "readable": result.readable,
            "sha256": result.sha256,
            "report": result.report_text,
            "archived_document_id": result.archived.document_id if result.archived else None,
            "archived_version": result.archived.version if result.archived else None,
        },
    )
