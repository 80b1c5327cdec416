"""Orders: choose a kind → fill its fields → preview → number → DOCX and PDF/A → the register.

The work is done by the same functions as the ``order``, ``register`` and ``templates`` commands
(``service.orders.produce``, ``numbering``, ``versions``); the form is generated from the kind's
declared parameters (``service.web.order_forms``). Preview takes no number; only «Присвоить номер»
writes the register line.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from service.accounts.access_log import Access, record_access
from service.accounts.permissions import Action, school_of
from service.web.access import require, school_snapshot
from service.web.downloads import file_response
from service.web.order_forms import OrderForm, TemplateUploadForm

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _snapshot_or_none(request: HttpRequest) -> Any:
    snapshot = school_snapshot(request)
    if snapshot is None:
        messages.error(request, "Журнал ещё не загружен: приказы заполняются по его данным.")
    return snapshot


def _kind(name: str) -> Any:
    from service.orders.kinds import KINDS

    kind = KINDS.get(name)
    if kind is None:
        raise Http404("Такого вида документа нет")
    return kind


def _file(data: bytes, filename: str, content_type: str) -> HttpResponse:
    return file_response(data, filename, content_type)


def _register_rows(school: str, year_id: str) -> list[Any]:
    from service.orders.models import IssuedDocument

    return list(
        IssuedDocument.objects.filter(school_id=school, year_id=year_id)
        .exclude(kind__in=("consent-pd", "application-edelivery"))
        .order_by("-created_at")[:100]
    )


@require(Action.MANAGE_ORDERS)
def index(request: HttpRequest) -> HttpResponse:
    """Step 1: the kinds to choose from, and the documents made this year."""
    from service.orders.kinds import KINDS

    snapshot = _snapshot_or_none(request)
    school = school_of(request.user) or ""
    rows = _register_rows(school, snapshot.year.id) if snapshot else []
    titles = {k.id: k.full_title for k in KINDS.values()}
    return render(
        request,
        "web/orders.html",
        {
            "snapshot": snapshot,
            "kinds": [k for k in KINDS.values() if not k.per_family],
            "forms": [k for k in KINDS.values() if k.per_family],
            "rows": [{"d": d, "title": titles.get(d.kind, d.title)} for d in rows],
        },
    )


@require(Action.MANAGE_ORDERS)
def new(request: HttpRequest, kind_name: str) -> HttpResponse:
    """Steps 2–4: the kind's fields; «Предпросмотр» shows the text; «Присвоить номер» makes it."""
    from service.orders.context import ParamError
    from service.orders.convert import ConversionError
    from service.orders.numbering import NumberingError
    from service.orders.produce import OrderRequest, make_document, preview_docx
    from service.orders.render import docx_text
    from service.orders.sandbox import TemplateRejected

    kind = _kind(kind_name)
    snapshot = _snapshot_or_none(request)
    if snapshot is None:
        return redirect("web:orders")
    if request.method != "POST":
        form = OrderForm(kind, snapshot, initial={"document_date": timezone.localdate()})
        return render(request, "web/order_new.html", {"kind": kind, "form": form})
    form = OrderForm(kind, snapshot, request.POST)
    context: dict[str, Any] = {"kind": kind, "form": form}
    if not form.is_valid():
        return render(request, "web/order_new.html", context, status=400)
    order = OrderRequest(
        kind.id, form.params(), form.document_date(), request.user.username, convert=False
    )
    try:
        if request.POST.get("action") != "issue":
            context["preview"] = docx_text(preview_docx(snapshot, order))
            return render(request, "web/order_new.html", context)
        made = make_document(snapshot, order)
    except ParamError as exc:
        form.add_error(None, str(exc))
        return render(request, "web/order_new.html", context, status=400)
    except TemplateRejected as exc:
        form.add_error(None, f"Шаблон не подходит: {exc.message}. Загрузите исправленную версию.")
        return render(request, "web/order_new.html", context, status=400)
    except (NumberingError, ConversionError) as exc:
        form.add_error(None, str(exc))
        return render(request, "web/order_new.html", context, status=500)
    from service.orders.files import store

    store(made.document_id, made.docx, made.pdf)
    record_access(request.user, Access.CHANGE, "order", made.document_id, made.number)
    number = f"№ {made.number}" if made.number else "без номера"
    messages.success(request, f"Документ оформлен: {made.title}, {number} от {made.date:%d.%m.%Y}.")
    return redirect("web:order_document", document_id=made.document_id)


def _issued(request: HttpRequest, document_id: str) -> Any:
    from service.orders.models import IssuedDocument

    issued = IssuedDocument.objects.filter(
        document_id=document_id, school_id=school_of(request.user) or ""
    ).first()
    if issued is None:
        raise Http404("Документ не найден")
    return issued


@require(Action.MANAGE_ORDERS)
def document(request: HttpRequest, document_id: str) -> HttpResponse:
    """Step 5: the made document, its number and files."""
    from service.orders.files import MissingFile, docx_of
    from service.orders.render import docx_text

    issued = _issued(request, document_id)
    try:
        text = docx_text(docx_of(issued))
    except MissingFile as exc:
        text = ""
        messages.error(request, str(exc))
    kind = _kind(issued.kind)
    row = issued.template_version
    template = (
        f"версия {row.version}, загружена {timezone.localtime(row.uploaded_at):%d.%m.%Y}"
        if row is not None
        else "встроенный шаблон"
    )
    return render(
        request,
        "web/order_document.html",
        {"d": issued, "kind": kind, "text": text, "template": template},
    )


@require(Action.MANAGE_ORDERS)
def download(request: HttpRequest, document_id: str, fmt: str) -> HttpResponse:
    """The DOCX, or the PDF/A (converted from the DOCX when first asked for)."""
    from service.orders.convert import ConversionError
    from service.orders.files import MissingFile, docx_of, pdf_of

    issued = _issued(request, document_id)
    kind = _kind(issued.kind)
    try:
        if fmt == "pdf":
            data, content_type = pdf_of(issued, kind.signers), "application/pdf"
        else:
            data, content_type = docx_of(issued), DOCX_TYPE
    except (MissingFile, ConversionError) as exc:
        messages.error(request, f"Файл не получен: {exc}")
        return redirect("web:order_document", document_id=document_id)
    record_access(request.user, Access.DOWNLOAD, "order", document_id, fmt)
    number = "".join(c if c.isalnum() else "-" for c in issued.number) or "б-н"
    name = f"{kind.kind_title.capitalize()}_{number}_{issued.date:%d.%m.%Y}.{fmt}"
    return _file(data, name, content_type)


@require(Action.MANAGE_ORDERS)
def register_pdf(request: HttpRequest, register: str) -> HttpResponse:
    """The order register of the current year as PDF/A (книга регистрации приказов)."""
    from service.orders.kind import Register
    from service.orders.numbering import order_register_pdf

    if register not in {r.value for r in Register}:
        raise Http404("Такой книги регистрации нет")
    snapshot = _snapshot_or_none(request)
    if snapshot is None:
        return redirect("web:orders")
    data = order_register_pdf(
        snapshot.school.full_name, snapshot.school.id, snapshot.year.id, register
    )
    label = Register(register).label.replace(" ", "_")
    return _file(data, f"Книга_регистрации_приказов_{label}.pdf", "application/pdf")


@require(Action.MANAGE_ORDERS)
def templates(request: HttpRequest) -> HttpResponse:
    """Upload a new template version: the same checks as ``templates upload`` on the CLI."""
    from service.orders.kinds import KINDS
    from service.orders.sandbox import TemplateRejected
    from service.orders.versions import upload, versions

    school = school_of(request.user) or ""
    kinds = [(k.id, k.full_title) for k in KINDS.values()]
    form = TemplateUploadForm(kinds, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = upload(
                school,
                form.cleaned_data["kind"],
                form.cleaned_data["file"].read(),
                user=request.user.username,
                comment=form.cleaned_data["comment"],
            )
        except TemplateRejected as exc:
            tag = f" Место в шаблоне: {exc.tag}" if exc.tag else ""
            form.add_error("file", f"Шаблон отклонён: {exc.message}.{tag}")
        else:
            record_access(request.user, Access.CHANGE, "template", f"{row.kind} v{row.version}")
            title = dict(kinds)[row.kind]
            messages.success(request, f"Загружена версия {row.version} шаблона «{title}».")
            return redirect("web:order_templates")
    titles = dict(kinds)
    return render(
        request,
        "web/order_templates.html",
        {
            "form": form,
            "versions": [{"v": v, "title": titles.get(v.kind, v.kind)} for v in versions(school)],
        },
        status=400 if form.errors else 200,
    )
