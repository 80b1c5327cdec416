"""The archive: list documents, a document's versions, download a version's PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from service.accounts.access_log import Access, record_access
from service.accounts.permissions import Action, Target, can, school_of
from service.api.schemas import DENIED, NOT_FOUND, DocumentOut, DocumentQuery, ErrorOut, responses

router = Router(tags=["archive"])

PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


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


def _entry(request: HttpRequest, document_id: str, version: int | None) -> Any:
    from service.archive.models import Entry

    rows = Entry.objects.filter(document_id=document_id, school=school_of(request.user))
    rows = rows.filter(version=version) if version is not None else rows.order_by("-version")
    return rows.first()


@router.get("/documents", response=responses(_200=list[DocumentOut], _403=ErrorOut))
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


@router.get(
    "/documents/{document_id}",
    response=responses(_200=list[DocumentOut], _403=ErrorOut, _404=ErrorOut),
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


@router.get(
    "/documents/{document_id}/versions/{version}/pdf",
    response=responses(_200=None, _403=ErrorOut, _404=ErrorOut),
    openapi_extra=PDF_RESPONSE,
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
    from service.accounts.snapshots import current_snapshot
    from service.naming import content_disposition, entry_file_name

    name = entry_file_name(entry, current_snapshot(school))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(name)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    return response
