"""Archive search, a document's versions, signatures and audit trail, download and verification."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from service.accounts.access_log import Access, record_access
from service.accounts.permissions import Action, Target, can, school_of
from service.archive.verification import verify_pdf
from service.naming import entry_facts, render_params
from service.web import labels
from service.web.access import require, school_snapshot
from service.web.downloads import file_response
from service.web.verdict import verdict_of


@dataclass
class SearchQuery:
    """The archive search form, read from the query string, with Russian errors."""

    kind: str = ""
    class_id: str = ""
    period: str = ""
    surname: str = ""
    document: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    errors: list[str] = field(default_factory=list)


def _date(q: QueryDict, name: str, what: str, errors: list[str]) -> dt.date | None:
    value = q.get(name, "").strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    errors.append(f"Дата «{what}» указана неверно: «{value}». Укажите её как ДД.ММ.ГГГГ.")
    return None


def _match_class(snapshot: Any, text: str) -> str:
    """The journal's class id for «5а», «5 А» or «5А» (letters in any case)."""
    wanted = "".join(text.split()).casefold()
    if snapshot is not None:
        for school_class in snapshot.classes:
            if school_class.id.casefold() == wanted or school_class.name.casefold() == wanted:
                return str(school_class.id)
    return "".join(text.split())


def _match_period(snapshot: Any, text: str) -> str:
    """The period id for «Q1» or its name «1 четверть» (any case)."""
    wanted = " ".join(text.split()).casefold()
    if snapshot is not None:
        for period in snapshot.year.periods:
            if period.id.casefold() == wanted or period.name.casefold() == wanted:
                return str(period.id)
    return text.strip()


def parse_query(q: QueryDict, snapshot: Any) -> SearchQuery:
    """The search form's fields: class and period matched to the journal, dates checked."""
    errors: list[str] = []
    query = SearchQuery(
        kind=q.get("kind", "").strip(),
        class_id=_match_class(snapshot, q.get("class", "")) if q.get("class", "").strip() else "",
        period=_match_period(snapshot, q.get("period", "")) if q.get("period", "").strip() else "",
        surname=" ".join(q.get("student", "").split()),
        document=q.get("document", "").strip(),
        since=_date(q, "from", "с", errors),
        until=_date(q, "to", "по", errors),
        errors=errors,
    )
    if query.since and query.until and query.since > query.until:
        errors.append("Дата «с» позже даты «по»: поменяйте их местами.")
    return query


def _student_ids(snapshot: Any, surname: str) -> list[str]:
    """Students whose surname (or full name) starts with ``surname``, in any case."""
    if snapshot is None or not surname:
        return []
    wanted = surname.casefold()
    return [
        s.id
        for s in snapshot.students
        if s.last_name.casefold().startswith(wanted) or s.full_name.casefold().startswith(wanted)
    ]


def _documents_of_students(school: str, student_ids: list[str]) -> Q:
    from service.jobs.models import JobItem

    keys = JobItem.objects.filter(
        job__school_id=school, job__kind="period-render", params__student__in=student_ids
    ).values_list("key", flat=True)
    return Q(document_id__in=list(keys)) | Q(extra__student__in=student_ids)


def describe(entry: Any, snapshot: Any, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """An archive row as a page shows it: kind label, names of its class, subject… and file name."""
    facts = entry_facts(entry, snapshot, params)
    return {
        "entry": entry,
        "kind": labels.kind(entry.kind),
        "facts": facts,
        "file_name": labels.document_file_name(entry.kind, facts, entry.version),
    }


@require(Action.SEARCH_ARCHIVE)
def search(request: HttpRequest) -> HttpResponse:
    """Find archived documents by kind, class, period, student's surname, date and number."""
    from service.archive.models import Entry

    school = school_of(request.user) or ""
    snapshot = school_snapshot(request)
    query = parse_query(request.GET, snapshot)
    rows = Entry.objects.filter(school=school).exclude(state="disposed")
    if query.kind:
        rows = rows.filter(kind=query.kind)
    if query.class_id:
        rows = rows.filter(class_id=query.class_id)
    if query.period:
        rows = rows.filter(period=query.period)
    if query.surname:
        rows = rows.filter(_documents_of_students(school, _student_ids(snapshot, query.surname)))
    if query.document:
        rows = rows.filter(document_id__icontains=query.document)
    if query.since:
        rows = rows.filter(created_at__date__gte=query.since)
    if query.until:
        rows = rows.filter(created_at__date__lte=query.until)
    if query.errors:
        rows = rows.none()
    page = Paginator(rows.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    params = render_params(school, [e.document_id for e in page])
    return render(
        request,
        "web/archive_search.html",
        {
            "page": page,
            "results": [
                {
                    **describe(e, snapshot, params.get(e.document_id)),
                    "may_download": _may_download(request, e),
                }
                for e in page
            ],
            "query": query,
            "q": request.GET,
            "kinds": sorted(labels_of_kinds().items(), key=lambda kv: kv[1]),
            "classes": sorted(snapshot.classes, key=lambda c: (c.grade, c.letter))
            if snapshot
            else [],
            "periods": snapshot.year.periods if snapshot else [],
            "snapshot": snapshot,
        },
    )


def labels_of_kinds() -> dict[str, str]:
    """Every kind a search can ask for: the document kinds and the archive's other kinds."""
    from service.documents.kinds import labels as kind_labels

    found = dict(kind_labels())
    for code in labels.retention_kinds():
        found.setdefault(code, labels.kind(code))
    return found


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


def _actor_names(usernames: set[str]) -> dict[str, str]:
    """Full names of the users who acted on a document (their usernames stay ids)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__in=usernames).select_related("profile")
    names = {}
    for user in users:
        profile = getattr(user, "profile", None)
        names[user.username] = getattr(profile, "full_name", "") or ""
    return names


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
    events = list(AuditEvent.objects.filter(document_id=document_id).order_by("seq"))
    actors = _actor_names({e.actor for e in events if e.actor})
    record_access(request.user, Access.VIEW, "document", document_id, f"v{latest.version}")
    snapshot = school_snapshot(request)
    params = render_params(latest.school, [document_id]).get(document_id)
    return render(
        request,
        "web/archive_document.html",
        {
            "versions": [describe(e, snapshot, params) for e in entries],
            "latest": describe(latest, snapshot, params),
            "title": labels.kind_title(latest.kind),
            "verdict": verdict_of(verification),
            "events": [(e, actors.get(e.actor, "")) for e in events],
            "snapshot": snapshot,
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
    params = render_params(entry.school, [document_id]).get(document_id)
    described = describe(entry, school_snapshot(request), params)
    return file_response(data, described["file_name"])
