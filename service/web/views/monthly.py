"""Monthly duties on the web: the payroll of a month and the scan of a signed paper log."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from service.accounts.permissions import Action, school_of
from service.web.access import require

MAX_UPLOAD_BYTES = 30 * 1024 * 1024


def _month(request: HttpRequest) -> str | None:
    month = request.POST.get("month", "").strip()
    return month if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month) else None


@require_POST
@require(Action.PREPARE_PERIOD)
def payroll_upload(request: HttpRequest) -> HttpResponse:
    """Keep the accounting department's payroll export of a month for the month close."""
    from service.errors import UserError
    from service.jobs.monthly import keep_payroll

    back = redirect("web:summary")
    month = _month(request)
    upload = request.FILES.get("payroll")
    if month is None:
        messages.error(request, "Укажите месяц табеля в виде ГГГГ-ММ, например 2024-10.")
        return back
    if upload is None or not upload.size or upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, "Выберите файл табеля (CSV бухгалтерии, до 30 МБ).")
        return back
    try:
        keep_payroll(month, upload.read(), upload.name or "tabel.csv")
    except UserError as exc:
        messages.error(request, f"Табель не принят: {exc}")
        return back
    messages.success(
        request,
        f"Табель за {month} сохранён: журнал замещений сверится с ним при закрытии месяца.",
    )
    return back


@require_POST
@require(Action.PREPARE_PERIOD)
def scan_upload(request: HttpRequest) -> HttpResponse:
    """Archive the scan of the substitution log the director signed on paper; clears the due."""
    from service.errors import UserError
    from service.jobs.monthly import attach_scan

    back = redirect("web:summary")
    month = _month(request)
    upload = request.FILES.get("scan")
    if month is None or upload is None or not upload.size:
        messages.error(request, "Выберите файл скана: PDF, JPEG или PNG.")
        return back
    if upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, "Файл больше 30 МБ: отсканируйте с меньшим разрешением.")
        return back
    try:
        due = attach_scan(
            school_of(request.user) or "", month, upload.read(), user=request.user.get_username()
        )
    except UserError as exc:
        messages.error(request, f"Скан не принят: {exc}")
        return back
    messages.success(
        request, f"Скан подписанного журнала за {month} сдан в архив ({due.scan_ref})."
    )
    return back
