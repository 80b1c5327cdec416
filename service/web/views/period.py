"""The period-close wizard: period → plan → render job → preview → sign → archive → report."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from service.accounts.access_log import Access, record_access
from service.accounts.permissions import Action, can, school_of
from service.documents.kinds import label as kind_label
from service.jobs import progress
from service.jobs.models import ItemState, JobItem, PeriodClose
from service.jobs.period_close import (
    advance,
    closing_report,
    counts_per_class,
    start_close,
    work_dir,
)
from service.web.access import require, school_snapshot
from service.web.forms import SignForm


def _snapshot_or_redirect(request: HttpRequest) -> Any:
    snapshot = school_snapshot(request)
    if snapshot is None:
        messages.error(request, "Журнал ещё не загружен.")
    return snapshot


def _close_of_user(request: HttpRequest, close_id: str) -> PeriodClose:
    close = get_object_or_404(PeriodClose, pk=close_id)
    if close.school_id != school_of(request.user):
        raise PermissionDenied("Недостаточно прав")
    return advance(close)


@require(Action.PREPARE_PERIOD)
def choose(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the period."""
    snapshot = _snapshot_or_redirect(request)
    if snapshot is None:
        return redirect("web:dashboard")
    closes = PeriodClose.objects.filter(school_id=snapshot.school.id)[:20]
    return render(request, "web/period_choose.html", {"snapshot": snapshot, "closes": closes})


@require(Action.PREPARE_PERIOD)
def plan(request: HttpRequest) -> HttpResponse:
    """Step 2: the documents to produce, per class, with counts; POST starts generation."""
    from service.jobs.period_steps import plan_close

    snapshot = _snapshot_or_redirect(request)
    if snapshot is None:
        return redirect("web:dashboard")
    period_id = request.POST.get("period") or request.GET.get("period") or ""
    if period_id not in snapshot.period_by_id:
        messages.error(request, "Выберите период.")
        return redirect("web:period")
    chosen = set(request.POST.getlist("classes")) if request.method == "POST" else None
    planned = plan_close(snapshot, period_id, chosen or None)
    if request.method == "POST":
        close = start_close(request.user, snapshot, period_id, planned)
        return redirect("web:period_close", close_id=close.id)
    counts = counts_per_class(planned)
    kinds = sorted({k for c in counts for k in c.kinds})
    rows = [
        {"class_id": c.class_id, "cells": [c.kinds.get(k, 0) for k in kinds], "total": c.total}
        for c in counts
    ]
    return render(
        request,
        "web/period_plan.html",
        {
            "snapshot": snapshot,
            "period": snapshot.period_by_id[period_id],
            "rows": rows,
            "kinds": [kind_label(k) for k in kinds],
            "total": len(planned),
        },
    )


def _close_context(request: HttpRequest, close: PeriodClose) -> dict[str, Any]:
    current = {
        PeriodClose.State.RENDERING: close.render_job,
        PeriodClose.State.SIGNING: close.sign_job,
        PeriodClose.State.ARCHIVING: close.archive_job,
    }.get(close.state)
    docs = []
    if close.render_job is not None and close.state != PeriodClose.State.RENDERING:
        docs = list(JobItem.objects.filter(job=close.render_job, state=ItemState.DONE))
    render_status = progress.status(str(close.render_job_id)) if close.render_job_id else None
    return {
        "close": close,
        "job": progress.status(str(current.id)) if current else None,
        "render_status": render_status,
        "documents": docs,
        "sign_form": SignForm() if close.state == PeriodClose.State.RENDERED else None,
        "may_sign": can(request.user, Action.SIGN_PERIOD),
        "report": closing_report(close) if close.state == PeriodClose.State.ARCHIVED else None,
        "steps": _steps(close),
    }


def _steps(close: PeriodClose) -> list[dict[str, str]]:
    order = ["rendering", "rendered", "signing", "archiving", "archived"]
    labels = ["Формирование", "Просмотр", "Подпись", "Архив", "Итоги"]
    at = order.index(close.state) if close.state in order else 3 if close.state == "signed" else 0
    return [
        {"label": label, "css": "done" if i < at else "current" if i == at else ""}
        for i, label in enumerate(labels)
    ]


@require(Action.PREPARE_PERIOD)
def close_page(request: HttpRequest, close_id: str) -> HttpResponse:
    """Steps 3–7: progress, errors and retry, preview, signing, archiving, the closing report."""
    close = _close_of_user(request, close_id)
    return render(request, "web/period_close.html", _close_context(request, close))


@require(Action.PREPARE_PERIOD)
def close_status(request: HttpRequest, close_id: str) -> JsonResponse:
    """The close's state and its current job's progress (polled by the page)."""
    close = _close_of_user(request, close_id)
    context = _close_context(request, close)
    job = context["job"]
    return JsonResponse(
        {
            "state": close.state,
            "state_label": close.get_state_display(),
            "job": {**asdict(job), "finished": job.finished} if job else None,
        }
    )


@require(Action.PREPARE_PERIOD)
def preview(request: HttpRequest, close_id: str, document_id: str) -> FileResponse:
    """A rendered (or, once signed, the signed) PDF of the close, shown inline."""
    close = _close_of_user(request, close_id)
    folder = work_dir(close.id)
    for sub in ("signed", "rendered"):
        path = folder / sub / f"{document_id}.pdf"
        if path.is_file() and path.parent.resolve() == (folder / sub).resolve():
            record_access(request.user, Access.VIEW, "document", document_id, f"close {close.id}")
            return FileResponse(
                path.open("rb"), content_type="application/pdf", filename=f"{document_id}.pdf"
            )
    raise Http404("Документ не найден")


@require_POST
@require(Action.SIGN_PERIOD)
def sign(request: HttpRequest, close_id: str) -> HttpResponse:
    """The director signs every document of the close with one key unlock."""
    from service.jobs.period_sign import WrongKeyPassword, start_signing, unlock_signer

    close = _close_of_user(request, close_id)
    form = SignForm(request.POST)
    if close.state != PeriodClose.State.RENDERED or not form.is_valid():
        messages.error(request, "Документы сейчас нельзя подписать.")
        return redirect("web:period_close", close_id=close.id)
    try:
        signer = unlock_signer(form.cleaned_data["password"])
    except WrongKeyPassword as exc:
        messages.error(request, str(exc))
        return redirect("web:period_close", close_id=close.id)
    start_signing(close, signer, request.user)
    record_access(request.user, Access.SIGN, "period-close", str(close.id), close.period_id)
    messages.success(request, "Ключ открыт, документы подписываются.")
    return redirect("web:period_close", close_id=close.id)
