"""Class pages: class list, statements for parents (one or every paper family), consents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from service.accounts.access_log import Access, record_access
from service.accounts.permissions import Action, Target, can, school_of
from service.web import labels
from service.web.access import check, denied, require, school_snapshot
from service.web.downloads import file_response
from service.web.home import led_classes
from service.web.statements import StatementProblem, sentence, student_statement


def _snapshot(request: HttpRequest) -> Any:
    snapshot = school_snapshot(request)
    if snapshot is None:
        raise Http404("Журнал ещё не загружен")
    return snapshot


def _class(snapshot: Any, class_id: str) -> Any:
    school_class = snapshot.class_by_id.get(class_id)
    if school_class is None:
        raise Http404("Класс не найден")
    return school_class


def _current_period_id(snapshot: Any) -> str:
    period = snapshot.period_of(snapshot.as_of)
    if period is None:
        ended = [p for p in snapshot.year.periods if p.end <= snapshot.as_of]
        period = ended[-1] if ended else snapshot.year.periods[0]
    return period.id


def _consent_statuses() -> list[tuple[str, str]]:
    from service.orders.consents import STATUS_LABELS as CONSENT_STATUS

    return list(CONSENT_STATUS.items())


@require(Action.VIEW_DASHBOARD)
def class_list(request: HttpRequest) -> HttpResponse:
    """The classes the user may open (a class teacher's own class first)."""
    snapshot = school_snapshot(request)
    if snapshot is None:
        messages.error(request, "Журнал ещё не загружен.")
        return redirect("web:dashboard")
    school = snapshot.school.id
    actions = (Action.VIEW_CLASS, Action.PRINT_STATEMENTS, Action.VIEW_CONSENTS)
    visible = [
        c
        for c in snapshot.classes
        if any(can(request.user, a, Target(school, c.id)) for a in actions)
    ]
    if len(visible) == 1:
        return redirect("web:class_detail", class_id=visible[0].id)
    mine = {c.id for c in led_classes(request.user, snapshot)}
    visible.sort(key=lambda c: (c.id not in mine, c.grade, c.letter))
    return render(request, "web/class_list.html", {"classes": visible, "mine": mine})


def _refuse_class(request: HttpRequest, snapshot: Any, school_class: Any) -> HttpResponse:
    """The 403 page for a class the user may not open: why, and the way to their own class."""
    mine = led_classes(request.user, snapshot)
    links = [(reverse("web:class_detail", args=[c.id]), f"Мой класс: {c.name}") for c in mine]
    if mine:
        names = ", ".join(c.name for c in mine)
        reason = (
            f"{school_class.name} класс — не ваш: вы классный руководитель {names} класса. "
            "Данные и выписки другого класса видит его классный руководитель и администрация."
        )
    else:
        reason = (
            f"У вас нет прав на данные {school_class.name} класса: его видят классный "
            "руководитель, учителя этого класса и администрация школы."
        )
    hint = (
        "Если вам поручили этот класс, попросите администратора электронного журнала назначить вас."
    )
    return denied(request, reason, hint, links)


def class_detail(request: HttpRequest, class_id: str) -> HttpResponse:
    """A class: students, statements for parents and the consent register, as the user may."""
    if not request.user.is_authenticated:
        return redirect("web:login")
    snapshot = _snapshot(request)
    school_class = _class(snapshot, class_id)
    school = school_of(request.user) or ""
    target = Target(school, class_id)
    may_view = can(request.user, Action.VIEW_CLASS, target)
    may_print = can(request.user, Action.PRINT_STATEMENTS, target)
    may_consents = can(request.user, Action.VIEW_CONSENTS, target)
    if not (may_view or may_print or may_consents):
        return _refuse_class(request, snapshot, school_class)
    from service.orders.paper import paper_families

    students = [s for s in snapshot.students_of_class.get(class_id, ()) if not s.left_on]
    paper = {f.student_id for f in paper_families(snapshot, class_id)}
    teacher = snapshot.staff_by_id.get(school_class.teacher_id or "")
    consents = _consent_register(snapshot, class_id) if may_consents else []
    may_documents = can(request.user, Action.DOWNLOAD_DOCUMENT, target)
    issued = _statement_register(snapshot, class_id) if may_print else []
    record_access(request.user, Access.VIEW, "class", class_id)
    from service.web.forms import TeacherSignForm
    from service.web.views.teacher_sign import waiting_for_me

    return render(
        request,
        "web/class_detail.html",
        {
            "snapshot": snapshot,
            "school_class": school_class,
            "teacher": teacher,
            "students": [{"s": s, "paper": s.id in paper} for s in students],
            "paper_count": len(paper),
            "issued": issued,
            "today": _today(),
            "periods": snapshot.year.periods,
            "may_print": may_print,
            "may_consents": may_consents,
            "consents": consents,
            "may_change_consents": can(request.user, Action.CHANGE_CONSENTS, target),
            "consent_statuses": _consent_statuses(),
            "mine": class_id in {c.id for c in led_classes(request.user, snapshot)},
            "documents": _archived_documents(snapshot, school, class_id) if may_documents else None,
            "to_sign": waiting_for_me(request, snapshot, class_id),
            "teacher_sign_form": TeacherSignForm(),
        },
    )


def _archived_documents(snapshot: Any, school: str, class_id: str, limit: int = 200) -> list[Any]:
    """The latest version of each archived document of the class, newest first."""
    from service.archive.models import Entry

    rows = Entry.objects.filter(school=school, class_id=class_id).order_by("-created_at")
    seen: dict[str, Any] = {}
    for row in rows[: limit * 3]:
        if row.document_id not in seen or row.version > seen[row.document_id].version:
            seen[row.document_id] = row
    latest = sorted(seen.values(), key=lambda e: e.created_at, reverse=True)[:limit]
    return [
        {"e": e, "label": _entry_label(e), "period": labels.period(snapshot, e.period)}
        for e in latest
    ]


def _entry_label(entry: Any) -> str:
    """A document kind's Russian name; a consent scan says it is a scan of its form."""
    label = labels.kind(entry.kind)
    label = label[:1].upper() + label[1:]
    return f"Скан: {label}" if "-scan-" in entry.document_id else label


def _statement_register(snapshot: Any, class_id: str) -> list[Any]:
    """The class's latest lines of the register of issued statements."""
    from service.orders.statement_register import register_lines

    return register_lines(snapshot, class_id, limit=60)


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


def _consent_register(snapshot: Any, class_id: str) -> list[Any]:
    """The class's register of consents to personal-data processing (kept by the orders part)."""
    from service.orders.consents import class_register

    return class_register(snapshot, class_id)


def statement(request: HttpRequest, class_id: str, student_id: str) -> HttpResponse:
    """One student's statement for parents as PDF."""
    if not request.user.is_authenticated:
        return redirect("web:login")
    check(request, Action.PRINT_STATEMENTS, class_id)
    snapshot = _snapshot(request)
    student = snapshot.student_by_id.get(student_id)
    if student is None or student.class_id != class_id:
        raise Http404("Ученик не найден")
    period_id = request.GET.get("period", _current_period_id(snapshot)) or None
    if period_id is not None and period_id not in snapshot.period_by_id:
        messages.error(request, f"Периода «{period_id}» нет в учебном году {snapshot.year.id}.")
        return redirect("web:class_detail", class_id=class_id)
    try:
        data = student_statement(snapshot, student_id, period_id)
    except StatementProblem as exc:
        messages.error(request, str(exc))
        return redirect("web:class_detail", class_id=class_id)
    record_access(request.user, Access.PRINT, "statement", f"student:{student_id}", period_id or "")
    name = labels.download_name(
        "Выписка", student.last_name, class_id, labels.period(snapshot, period_id)
    )
    return file_response(data, name)


def paper_batch(request: HttpRequest, class_id: str) -> HttpResponse:
    """Statements of every paper family of the class as one print-ready PDF, recorded as issued."""
    from service.orders.statement_register import StatementError, issue_paper_batch

    if not request.user.is_authenticated:
        return redirect("web:login")
    check(request, Action.PRINT_STATEMENTS, class_id)
    snapshot = _snapshot(request)
    _class(snapshot, class_id)
    params = request.POST if request.method == "POST" else request.GET
    period_id = params.get("period") or None
    if period_id is not None and period_id not in snapshot.period_by_id:
        messages.error(request, f"Периода «{period_id}» нет в учебном году {snapshot.year.id}.")
        return redirect("web:class_detail", class_id=class_id)
    try:
        batch = issue_paper_batch(
            snapshot, class_id, user=request.user.username, period_id=period_id
        )
    except StatementError as exc:
        messages.error(request, sentence(str(exc)))
        return redirect("web:class_detail", class_id=class_id)
    record_access(
        request.user,
        Access.PRINT,
        "statements-paper",
        f"class:{class_id}",
        f"{batch.statements} учеников, {period_id or 'год'}",
    )
    name = labels.download_name("Выписки", class_id, labels.period(snapshot, period_id))
    return file_response(batch.path.read_bytes(), name)


def paper_batch_file(request: HttpRequest, class_id: str, batch: str) -> HttpResponse:
    """A recorded paper batch again (the weekly one, or one printed before) as PDF."""
    from service.orders.statement_register import batch_path

    if not request.user.is_authenticated:
        return redirect("web:login")
    check(request, Action.PRINT_STATEMENTS, class_id)
    snapshot = _snapshot(request)
    path = batch_path(snapshot.school.id, class_id, batch)
    if path is None:
        raise Http404("Пачка выписок не найдена")
    record_access(request.user, Access.PRINT, "statements-paper", f"class:{class_id}", batch)
    return file_response(path.read_bytes(), labels.download_name("Выписки", class_id, batch))


@require_POST
def acknowledge_statement(request: HttpRequest, class_id: str, issue_id: int) -> HttpResponse:
    """The class teacher records that a guardian acknowledged a paper statement."""
    import datetime as dt

    from service.orders.models import StatementIssue
    from service.orders.statement_register import StatementError, acknowledge

    if not request.user.is_authenticated:
        return redirect("web:login")
    check(request, Action.PRINT_STATEMENTS, class_id)
    snapshot = _snapshot(request)
    if not StatementIssue.objects.filter(
        pk=issue_id, school_id=snapshot.school.id, class_id=class_id
    ).exists():
        raise Http404("Выписка не найдена")
    try:
        raw = request.POST.get("on", "")
        day = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        messages.error(request, "Дата ознакомления указана неверно.")
        return redirect("web:class_detail", class_id=class_id)
    try:
        row = acknowledge(
            snapshot.school.id,
            issue_id,
            by=request.POST.get("by", ""),
            on=day,
            user=request.user.username,
        )
    except StatementError as exc:
        messages.error(request, sentence(str(exc)))
    else:
        record_access(request.user, Access.CHANGE, "statement", f"issue:{row.pk}", "ознакомлен")
        messages.success(
            request,
            f"Ознакомление отмечено: {row.acknowledged_by}, {row.acknowledged_on:%d.%m.%Y}.",
        )
    return redirect(f"{reverse('web:class_detail', args=[class_id])}#statement-register")
