"""Archive search, a document's versions, signatures and audit trail, download and verification."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from service.accounts.access_log import Access, record_access
from service.accounts.permissions import Action, Target, can, school_of
from service.archive.verification import verify_pdf
from service.documents.kinds import label as kind_label
from service.documents.kinds import labels as kind_labels
from service.web.access import require

STATE_LABELS = {
    "archived": "в двух хранилищах",
    "pending_replication": "ждёт второй копии",
    "disposed": "уничтожен по акту",
}


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require(Action.SEARCH_ARCHIVE)
def search(request: HttpRequest) -> HttpResponse:
    """Find archived documents by kind, class, period, student and date."""
    from service.archive.models import Entry

    q = request.GET
    rows = Entry.objects.filter(school=school_of(request.user)).exclude(state="disposed")
    if q.get("kind"):
        rows = rows.filter(kind=q["kind"])
    if q.get("class"):
        rows = rows.filter(class_id=q["class"])
    if q.get("period"):
        rows = rows.filter(period=q["period"])
    if q.get("student"):
        rows = rows.filter(extra__student=q["student"])
    if q.get("document"):
        rows = rows.filter(document_id__icontains=q["document"].strip())
    if since := _date(q.get("from", "")):
        rows = rows.filter(created_at__date__gte=since)
    if until := _date(q.get("to", "")):
        rows = rows.filter(created_at__date__lte=until)
    page = Paginator(rows.order_by("-created_at", "-id"), 50).get_page(q.get("page"))
    return render(
        request,
        "web/archive_search.html",
        {
            "page": page,
            "q": q,
            "kinds": sorted(kind_labels().items()),
            "labels": kind_labels(),
            "states": STATE_LABELS,
        },
    )


def _entries(request: HttpRequest, document_id: str) -> list[Any]:
    from service.archive.models import Entry

    rows = list(
        Entry.objects.filter(document_id=document_id, school=school_of(request.user)).order_by(
            "version"
        )
    )
    if not rows:
        raise Http404("Документ не найден")
    return rows


def _may_download(request: HttpRequest, entry: Any) -> bool:
    school = school_of(request.user) or ""
    return can(request.user, Action.DOWNLOAD_DOCUMENT, Target(school, entry.class_id or None))


def document(request: HttpRequest, document_id: str) -> HttpResponse:
    """A document's versions, the signatures of the latest one and its audit trail."""
    from service.archive.models import AuditEvent
    from service.archive.wiring import get_archive

    if not request.user.is_authenticated:
        raise PermissionDenied("Недостаточно прав")
    entries = _entries(request, document_id)
    latest = entries[-1]
    if not (can(request.user, Action.SEARCH_ARCHIVE) or _may_download(request, latest)):
        raise PermissionDenied("Недостаточно прав")
    data = get_archive().read(document_id, latest.version, actor=request.user.username).read()
    verification = verify_pdf(data, latest.school)
    events = AuditEvent.objects.filter(document_id=document_id).order_by("seq")
    record_access(request.user, Access.VIEW, "document", document_id, f"v{latest.version}")
    return render(
        request,
        "web/archive_document.html",
        {
            "entries": entries,
            "latest": latest,
            "verification": verification,
            "events": events,
            "label": kind_label(latest.kind),
            "states": STATE_LABELS,
            "may_download": _may_download(request, latest),
        },
    )


def download(request: HttpRequest, document_id: str, version: int) -> HttpResponse:
    """One version of an archived document, read back from the archive (hash checked)."""
    from service.archive.wiring import get_archive

    if not request.user.is_authenticated:
        raise PermissionDenied("Недостаточно прав")
    entries = {e.version: e for e in _entries(request, document_id)}
    entry = entries.get(version)
    if entry is None:
        raise Http404("Версия не найдена")
    if not _may_download(request, entry):
        raise PermissionDenied("Недостаточно прав")
    data = get_archive().read(document_id, version, actor=request.user.username).read()
    record_access(request.user, Access.DOWNLOAD, "document", document_id, f"v{version}")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document_id}-v{version}.pdf"'
    return response
