"""The period-close wizard: period → plan → render job → preview → sign → archive → report."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from service.accounts.access_log import Access, record_access
from service.accounts.permissions import Action, can, school_of
from service.jobs import progress
from service.jobs.close_engine import (
    RUNNING,
    STAGE_LABELS,
    cancel_close,
    check_stale,
    current_job,
    items_of,
    open_close,
    overlap,
    retry_close,
)
from service.jobs.close_plan import CloseProblem, plan_target, resolve_target
from service.jobs.models import ItemState, JobItem, PeriodClose
from service.jobs.period_close import closing_report, counts_per_class, kind_title
from service.web import labels
from service.web.access import require, school_snapshot
from service.web.downloads import file_response
from service.web.forms import SignForm, WithoutTeacherForm


def _snapshot_or_redirect(request: HttpRequest) -> Any:
    snapshot = school_snapshot(request)
    if snapshot is None:
        messages.error(request, "Журнал ещё не загружен.")
    return snapshot


def _close_of_user(request: HttpRequest, close_id: str) -> PeriodClose:
    close = get_object_or_404(PeriodClose, pk=close_id)
    if close.school_id != school_of(request.user):
        raise PermissionDenied("Недостаточно прав")
    return check_stale(close)


@require(Action.PREPARE_PERIOD)
def choose(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the period."""
    snapshot = _snapshot_or_redirect(request)
    if snapshot is None:
        return redirect("web:dashboard")
    closes = [
        check_stale(c) if c.state in RUNNING else c
        for c in PeriodClose.objects.filter(school_id=snapshot.school.id)[:20]
    ]
    return render(request, "web/period_choose.html", {"snapshot": snapshot, "closes": closes})


def _grade(class_id: str) -> str:
    return "".join(ch for ch in class_id if ch.isdigit())


@require(Action.PREPARE_PERIOD)
def plan(request: HttpRequest) -> HttpResponse:
    """Step 2: the documents to produce, per class, with counts; POST starts generation.

    An empty selection starts nothing; part of the selection already archived by an earlier
    close is shown, with the reason its changed documents will be archived under as new versions.
    """
    snapshot = _snapshot_or_redirect(request)
    if snapshot is None:
        return redirect("web:dashboard")
    period_id = request.POST.get("period") or request.GET.get("period") or ""
    try:
        target = resolve_target(snapshot, period_id) if period_id else None
    except CloseProblem:
        target = None
    if target is None:
        messages.error(request, "Выберите период.")
        return redirect("web:period")
    if request.method == "POST":
        chosen = set(request.POST.getlist("classes"))
        reason = request.POST.get("reason", "").strip()
        try:
            close, resumed = open_close(
                request.user, snapshot, target, chosen, reason=reason, start=True
            )
        except CloseProblem as exc:
            messages.error(request, str(exc))
            return redirect(f"{reverse('web:period_plan')}?period={target.period_id}")
        if resumed:
            messages.info(request, "Продолжается начатое ранее закрытие этих классов.")
        return redirect("web:period_close", close_id=close.id)
    planned = plan_target(snapshot, target, None)
    counts = counts_per_class(planned)
    kinds = sorted({k for c in counts for k in c.kinds})
    rows = [
        {
            "class_id": c.class_id,
            "grade": _grade(c.class_id) or "—",
            "cells": [c.kinds.get(k, 0) for k in kinds],
            "total": c.total,
        }
        for c in counts
    ]
    return render(
        request,
        "web/period_plan.html",
        {
            "snapshot": snapshot,
            "period": target,
            "rows": rows,
            "grades": sorted(
                {r["grade"] for r in rows}, key=lambda g: (not g.isdigit(), g.zfill(3))
            ),
            "kinds": [kind_title(k) for k in kinds],
            "total": len(planned),
            "overlap": overlap(snapshot, target, None),
        },
    )


def _item_row(snapshot: Any, item: JobItem) -> dict[str, Any]:
    """A close's item as the page shows it: kind, class and the rest by name, never by code."""
    code = item.params.get("kind") or item.result.get("kind") or ""
    inner = item.params.get("params") or {}
    params = {**(dict(inner) if isinstance(inner, list | tuple) else inner), **item.params}
    facts = labels.document_facts(snapshot, params)
    name = labels.kind(code) if code else item.label
    if item.result.get("draft"):  # an order's kind is «О переводе…»: the row says what it is
        name = f"Приказ {name[:1].lower()}{name[1:]} (проект)"
    return {
        "item": item,
        "result": item.result,
        "kind": name,
        "class_name": facts.class_name,
        "about": " · ".join(
            p for p in (facts.subject, facts.group, facts.teacher, facts.student) if p
        ),
        "file_name": labels.document_file_name(code, facts),
    }


def _close_context(request: HttpRequest, close: PeriodClose) -> dict[str, Any]:
    current = current_job(close) if close.state in RUNNING else None
    snapshot = school_snapshot(request)
    docs = []
    if close.render_job is not None and close.state != PeriodClose.State.RENDERING:
        done = JobItem.objects.filter(job=close.render_job, state=ItemState.DONE)
        docs = [_item_row(snapshot, d) for d in done]
    stopped = close.state in (PeriodClose.State.FAILED, PeriodClose.State.CANCELLED)
    report = closing_report(close) if close.state == PeriodClose.State.ARCHIVED else None
    halted = current_job(close) if stopped and close.stage in STAGE_LABELS else None
    from service.jobs.teacher_sign import waiting_items

    waiting = waiting_items(close) if stopped else []
    waiting_pks = {w.pk for w in waiting}
    return {
        "waiting": waiting,
        "without_teacher_form": WithoutTeacherForm() if waiting else None,
        "stopped_at": progress.status(str(halted.id)) if halted is not None else None,
        "stopped_stage": STAGE_LABELS.get(close.stage, ""),
        "close": close,
        "job": progress.status(str(current.id)) if current else None,
        "errors": [_item_row(snapshot, e) for e in items_of(close) if e.pk not in waiting_pks],
        "documents": docs,
        "to_sign": sum(1 for d in docs if not d["result"].get("unchanged")),
        "sign_form": SignForm() if close.state == PeriodClose.State.RENDERED else None,
        "may_sign": can(request.user, Action.SIGN_PERIOD),
        "may_cancel": close.state not in (PeriodClose.State.ARCHIVED, PeriodClose.State.CANCELLED),
        "may_retry": stopped,
        "report": report,
        "inventory_id": _inventory_id(close) if report is not None and report.inventory else "",
        "inventory_state": _inventory_state(close, report),
        "steps": _steps(close),
    }


def _inventory_id(close: PeriodClose) -> str:
    """The archive id of the year's inventory a year close drew up."""
    from storage.year_inventory import inventory_document_id

    year = close.render_job.params.get("year", "") if close.render_job else ""
    return inventory_document_id(close.school_id, year)


INVENTORY_WAIT = timedelta(minutes=10)


def _inventory_state(close: PeriodClose, report: Any) -> str:
    """«pending» while a year close's inventory is being drawn up after archiving, «missing»
    when that work stopped (a restart) without an error; "" otherwise."""
    from service.jobs.year_inventory import wants_inventory

    if report is None or report.inventory or close.error or not wants_inventory(close):
        return ""
    since = close.archived_at or close.created_at
    return "pending" if timezone.now() - since < INVENTORY_WAIT else "missing"


def _steps(close: PeriodClose) -> list[dict[str, str]]:
    order = ["rendering", "rendered", "signing", "archiving", "archived"]
    labels = ["Формирование", "Просмотр", "Подпись", "Архив", "Итоги"]
    state = close.stage if close.state in ("failed", "cancelled") else close.state
    at = order.index(state) if state in order else 3 if state == "signed" else 0
    stopped = close.state in ("failed", "cancelled")
    return [
        {
            "label": label,
            "css": "done"
            if i < at
            else ("current bad" if stopped else "current")
            if i == at
            else "",
        }
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
            "error": close.error,
            "job": {**asdict(job), "finished": job.finished, "eta_text": job.eta_text}
            if job
            else None,
        }
    )


@require_POST
@require(Action.PREPARE_PERIOD)
def cancel(request: HttpRequest, close_id: str) -> HttpResponse:
    """Cancel a close at any step; what is done stays done and it can be continued."""
    close = cancel_close(_close_of_user(request, close_id))
    record_access(request.user, Access.CHANGE, "period-close", str(close.id), "cancel")
    messages.info(request, "Закрытие отменено. Готовые документы сохранены.")
    return redirect("web:period_close", close_id=close.id)


@require_POST
@require(Action.PREPARE_PERIOD)
def retry(request: HttpRequest, close_id: str) -> HttpResponse:
    """Continue a failed or cancelled close: failed items are tried again."""
    close = retry_close(_close_of_user(request, close_id), request.user)
    if close.state == PeriodClose.State.RENDERED:
        messages.info(request, "Документы готовы: подпишите их ещё раз, ключ нужно открыть снова.")
    return redirect("web:period_close", close_id=close.id)


@require(Action.PREPARE_PERIOD)
def preview(request: HttpRequest, close_id: str, document_id: str) -> HttpResponse:
    """A rendered (or, once signed, the signed) PDF of the close, shown inline, named in words:
    from the shared work store, or from the archive once the close is archived (its work files
    are gone then)."""
    close = _close_of_user(request, close_id)
    item = None
    if close.render_job is not None:
        item = JobItem.objects.filter(job=close.render_job, result__document_id=document_id).first()
    pdf = _close_pdf(close, document_id) if item is not None else None
    if item is None or pdf is None:
        raise Http404("Документ не найден")
    record_access(request.user, Access.VIEW, "document", document_id, f"close {close.id}")
    name = _item_row(school_snapshot(request), item)["file_name"]
    return file_response(pdf, name, inline=True)


def _close_pdf(close: PeriodClose, document_id: str) -> bytes | None:
    """The newest file of a close's document: signed, rendered, or archived by this close."""
    from service.archive.wiring import get_archive
    from service.jobs import work_files
    from storage.errors import StorageError

    if not JobItem.objects.filter(job=close.render_job, result__document_id=document_id).exists():
        return None  # not a document of this close
    for stage in (work_files.SIGNED, work_files.RENDERED):
        try:
            pdf = work_files.read(close.id, stage, document_id)
        except work_files.WorkStoreDown:
            pdf = None
        if pdf is not None:
            return pdf
    try:
        entry = get_archive().catalog.find_document(document_id)
        if entry is None:
            return None
        with get_archive().read(document_id, entry.version) as data:
            return data.read()
    except StorageError:
        return None


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
    from service.jobs.period_steps import snapshot_by_id

    try:
        signer = unlock_signer(form.cleaned_data["password"], snapshot_by_id(close.snapshot_id))
    except WrongKeyPassword as exc:
        messages.error(request, str(exc))
        return redirect("web:period_close", close_id=close.id)
    from service.documents.signers import SignerMismatch

    try:
        start_signing(
            close, signer, request.user, confirm_signer=form.cleaned_data["confirm_signer"]
        )
    except SignerMismatch as exc:
        messages.error(request, str(exc))
        return redirect("web:period_close", close_id=close.id)
    record_access(request.user, Access.SIGN, "period-close", str(close.id), close.period_id)
    messages.success(request, "Ключ открыт, документы подписываются.")
    return redirect("web:period_close", close_id=close.id)


@require_POST
@require(Action.SIGN_PERIOD)
def without_teacher(request: HttpRequest, close_id: str) -> HttpResponse:
    """The director signs the documents waiting for class teachers alone, with a reason."""
    from service.jobs.teacher_sign import TeacherKeyProblem, sign_without_teacher

    close = _close_of_user(request, close_id)
    form = WithoutTeacherForm(request.POST)
    try:
        if not form.is_valid():
            raise TeacherKeyProblem(
                "Укажите причину, по которой документ подписывается без подписи классного "
                "руководителя"
            )
        count = sign_without_teacher(close, form.cleaned_data["reason"], request.user.username)
    except TeacherKeyProblem as exc:
        messages.error(request, str(exc))
        return redirect("web:period_close", close_id=close.id)
    from service.jobs.teacher_sign import singular
    from service.russian.numbers import plural_word

    record_access(request.user, Access.SIGN, "period-close", str(close.id), "без классного рук.")
    close = retry_close(close, request.user)
    messages.info(
        request,
        f"Причина записана в журнал аудита. {count} {plural_word(count, 'документ')} "
        f"{'будет подписан' if singular(count) else 'будут подписаны'} только директором: "
        "откройте ключ директора ещё раз.",
    )
    return redirect("web:period_close", close_id=close.id)
