"""Consents: the school's register, one record with its history, status changes, scans, letters.

A status change is two steps: the form (new status, the date on the paper, a comment), then a
confirmation page that says what will change; only the confirmed POST writes. The work is done by
``service.orders.consents`` (the same functions as the ``consents`` command line).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from service.accounts.access_log import Access, record_access
from service.accounts.permissions import Action, Target, can, school_of
from service.web.access import check, require, school_snapshot
from service.web.downloads import file_response
from service.web.labels import download_name
from storage.errors import StorageError

MAX_SCAN_BYTES = 20 * 1024 * 1024


def _snapshot(request: HttpRequest) -> Any:
    snapshot = school_snapshot(request)
    if snapshot is None:
        raise Http404("Журнал ещё не загружен")
    return snapshot


def _file(data: bytes, filename: str, content_type: str) -> HttpResponse:
    return file_response(data, filename, content_type)


@require(Action.VIEW_CONSENTS)
def register(request: HttpRequest) -> HttpResponse:
    """The school's consent register: per class, how many consents are given, refused, missing."""
    from service.orders.consents import STATUS_LABELS, sync_consents
    from service.orders.models import ConsentRecord

    snapshot = school_snapshot(request)
    if snapshot is None:
        messages.error(request, "Журнал ещё не загружен: реестр согласий строится по нему.")
        return redirect("web:summary")
    school = snapshot.school.id
    sync_consents(snapshot)
    counts: dict[str, Counter[str]] = {}
    rows = ConsentRecord.objects.filter(school_id=school, kind="personal_data").values_list(
        "class_id", "status"
    )
    for class_id, status in rows:
        counts.setdefault(class_id, Counter())[status] += 1
    classes = sorted(
        (
            c
            for c in snapshot.classes
            if can(request.user, Action.VIEW_CONSENTS, Target(school, c.id))
        ),
        key=lambda c: (c.grade, c.letter),
    )
    lines = [
        {
            "c": c,
            "counts": [counts.get(c.id, Counter()).get(code, 0) for code in STATUS_LABELS],
            "total": sum(counts.get(c.id, Counter()).values()),
        }
        for c in classes
    ]
    totals = [sum(line["counts"][i] for line in lines) for i in range(len(STATUS_LABELS))]
    record_access(request.user, Access.VIEW, "consent-register", f"school:{school}")
    return render(
        request,
        "web/consents.html",
        {"lines": lines, "labels": list(STATUS_LABELS.values()), "totals": totals},
    )


def _record(request: HttpRequest, snapshot: Any, class_id: str, record_id: int) -> Any:
    from service.orders.models import ConsentRecord

    record = ConsentRecord.objects.filter(
        pk=record_id, school_id=snapshot.school.id, class_id=class_id
    ).first()
    if record is None:
        raise Http404("Запись реестра согласий не найдена")
    return record


def _letters(record: Any) -> list[Any]:
    """Every letter to the guardianship authority drafted for this record, newest first
    (a reverted refusal's letter stays, marked «отменено»)."""
    from service.orders.refusals import letter_history

    return letter_history(record)


def _people(snapshot: Any, record: Any) -> dict[str, Any]:
    return {
        "student": snapshot.student_by_id.get(record.student_id),
        "guardian": snapshot.guardian_by_id.get(record.guardian_id),
        "school_class": snapshot.class_by_id.get(record.class_id),
    }


def _parse_day(value: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def record(request: HttpRequest, class_id: str, record_id: int) -> HttpResponse:
    """One consent: status and dates, history, scans, the drafted letter; the change form."""
    from service.orders.consents import STATUS_LABELS, history
    from service.orders.refusals import active_letter

    if not request.user.is_authenticated:
        return redirect("web:login")
    check(request, Action.VIEW_CONSENTS, class_id)
    snapshot = _snapshot(request)
    consent = _record(request, snapshot, class_id, record_id)
    may_change = can(
        request.user, Action.CHANGE_CONSENTS, Target(school_of(request.user) or "", class_id)
    )
    context: dict[str, Any] = {
        "consent": consent,
        **_people(snapshot, consent),
        "labels": STATUS_LABELS,
        "statuses": list(STATUS_LABELS.items()),
        "history": history(consent.pk),
        "scans": list(consent.scans.defer("pdf").order_by("uploaded_at")),
        "letter": active_letter(consent),
        "letters": _letters(consent),
        "may_change": may_change,
        "today": timezone.localdate(),
        "errors": [],
    }
    if request.method == "POST":
        if not may_change:
            check(request, Action.CHANGE_CONSENTS, class_id)
        return _change(request, snapshot, consent, context)
    record_access(request.user, Access.VIEW, "consent", f"record:{consent.pk}")
    return render(request, "web/consent_record.html", context)


def _change(
    request: HttpRequest, snapshot: Any, consent: Any, context: dict[str, Any]
) -> HttpResponse:
    """Step 1 (``confirm`` absent): check and show the confirmation; step 2: write."""
    from service.orders.consents import STATUS_LABELS, ConsentError, set_status

    status = request.POST.get("status", "")
    day = _parse_day(request.POST.get("on", ""))
    comment = request.POST.get("comment", "").strip()[:500]
    errors = []
    if status not in STATUS_LABELS:
        errors.append("Выберите новое состояние согласия.")
    if status in ("given", "refused", "withdrawn") and day is None:
        errors.append(
            "Укажите дату в виде ДД.ММ.ГГГГ: когда согласие дано, получен отказ или отзыв."
        )
    if day is not None and day > timezone.localdate():
        errors.append("Дата не может быть позже сегодняшней.")
    if errors:
        context["errors"] = errors
        return render(request, "web/consent_record.html", context, status=400)
    keeps_date = status == "given" and consent.status == "given" and consent.given_on is not None
    if request.POST.get("confirm") != "1":
        context.update(
            {
                "confirm": True,
                "new_status": status,
                "new_label": STATUS_LABELS[status],
                "on": day,
                "comment": comment,
                "keeps_date": keeps_date,
            }
        )
        return render(request, "web/consent_record.html", context)
    try:
        change = set_status(
            snapshot,
            consent.student_id,
            consent.guardian_id,
            status,
            user=request.user.username,
            on=day,
            kind=consent.kind,
            convert=False,
            comment=comment,
        )
    except ConsentError as exc:
        messages.error(request, str(exc))
        return redirect("web:class_consent", class_id=consent.class_id, record_id=consent.pk)
    record_access(request.user, Access.CHANGE, "consent", f"record:{consent.pk}", status)
    note = f"Состояние согласия изменено: {STATUS_LABELS[status]}."
    if keeps_date:
        note += f" Дата согласия сохранена прежней: {consent.given_on:%d.%m.%Y}."
    if change.letter is not None:
        from service.orders.files import store

        store(change.letter.document_id, change.letter.docx, change.letter.pdf)
        number = change.letter.meta.number or "б/н"
        note += (
            f" Подготовлено письмо в орган опеки, исх. № {number} — оно ниже, в разделе "
            "«Письмо в орган опеки»; его подписывает директор."
        )
    if change.cancelled is not None:
        note += (
            f" Письмо в орган опеки исх. № {change.cancelled.number or 'б/н'} отменено: оно "
            "осталось в списке писем с пометкой «отменено», номер больше не выдаётся."
        )
    messages.success(request, note)
    return redirect("web:class_consent", class_id=consent.class_id, record_id=consent.pk)


@require_POST
def upload_scan(request: HttpRequest, class_id: str, record_id: int) -> HttpResponse:
    """The scan of the signed paper (PDF, JPEG, PNG): kept as PDF/A with the record and archived."""
    from service.orders.consents import ConsentError, archive_scan
    from service.orders.consents import upload_scan as keep_scan
    from service.orders.scans import InvalidScan

    if not request.user.is_authenticated:
        return redirect("web:login")
    check(request, Action.CHANGE_CONSENTS, class_id)
    snapshot = _snapshot(request)
    consent = _record(request, snapshot, class_id, record_id)
    back = redirect("web:class_consent", class_id=class_id, record_id=consent.pk)
    upload = request.FILES.get("scan")
    if upload is None or not upload.size:
        messages.error(request, "Выберите файл скана: PDF, JPEG или PNG.")
        return back
    if upload.size > MAX_SCAN_BYTES:
        messages.error(request, "Файл больше 20 МБ: отсканируйте с меньшим разрешением.")
        return back
    try:
        scan = keep_scan(snapshot, consent.pk, upload.read(), user=request.user.username)
    except (InvalidScan, ConsentError) as exc:
        messages.error(request, f"Скан не принят: {exc}")
        return back
    record_access(request.user, Access.CHANGE, "consent-scan", scan.document_id)
    try:
        archive_scan(scan, actor=request.user.username)
    except StorageError:
        # The scan is kept with the record; the page says it is not archived yet.
        messages.warning(
            request,
            "Скан сохранён в реестре, но архив сейчас недоступен: скан в архив не сдан. "
            "Сообщите администратору электронного журнала.",
        )
        return back
    messages.success(request, "Скан сохранён и сдан в архив.")
    return back


def scan_file(request: HttpRequest, class_id: str, record_id: int, scan_id: int) -> HttpResponse:
    """A scan as PDF/A."""
    if not request.user.is_authenticated:
        return redirect("web:login")
    check(request, Action.VIEW_CONSENTS, class_id)
    snapshot = _snapshot(request)
    consent = _record(request, snapshot, class_id, record_id)
    scan = consent.scans.filter(pk=scan_id).first()
    if scan is None:
        raise Http404("Скан не найден")
    record_access(request.user, Access.DOWNLOAD, "consent-scan", scan.document_id)
    return _file(
        bytes(scan.pdf), f"Скан_согласия_{scan.uploaded_at:%Y-%m-%d}.pdf", "application/pdf"
    )


def letter(request: HttpRequest, class_id: str, record_id: int, fmt: str) -> HttpResponse:
    """The drafted letter to the guardianship authority, DOCX or PDF/A."""
    from service.orders.convert import ConversionError
    from service.orders.files import MissingFile, docx_of, pdf_of
    from service.orders.kinds import refusal_letter

    if not request.user.is_authenticated:
        return redirect("web:login")
    check(request, Action.VIEW_CONSENTS, class_id)
    snapshot = _snapshot(request)
    consent = _record(request, snapshot, class_id, record_id)
    wanted = request.GET.get("letter", "")
    letters = _letters(consent)
    issued = next((x for x in letters if x.document_id == wanted), None) if wanted else None
    if issued is None and not wanted:
        issued = consent.refusal_letter
    if issued is None:
        raise Http404("Письмо не готовилось")
    try:
        if fmt == "pdf":
            data = pdf_of(issued, refusal_letter.KIND.signers)
            content_type = "application/pdf"
        else:
            data = docx_of(issued)
            content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    except (MissingFile, ConversionError) as exc:
        messages.error(
            request,
            f"{exc}. Измените состояние на «отказ» ещё раз, чтобы подготовить письмо заново.",
        )
        return redirect("web:class_consent", class_id=class_id, record_id=consent.pk)
    record_access(request.user, Access.DOWNLOAD, "refusal-letter", issued.document_id)
    name = download_name(
        "Письмо_в_опеку",
        f"исх-{issued.number}" if issued.number else "",
        f"{issued.date:%d.%m.%Y}",
        ext=fmt,
    )
    return _file(data, name, content_type)
