"""The verify page: upload a PDF → signature report, and whether it matches an archived one."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from service.accounts.access_log import Access, record_access
from service.accounts.permissions import Action, school_of
from service.archive.verification import verify_pdf
from service.web.access import require
from service.web.forms import VerifyForm
from service.web.verdict import verdict_of

MAX_UPLOAD = 50 * 1024 * 1024


@require(Action.VERIFY_DOCUMENT)
def verify(request: HttpRequest) -> HttpResponse:
    """Check an uploaded PDF's signatures."""
    result = verdict = None
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", "Файл больше 50 МБ.")
        else:
            data = upload.read()
            result = verify_pdf(data, school_of(request.user) or "")
            verdict = verdict_of(result, data)
            if result.archived is not None:
                record_access(
                    request.user,
                    Access.VIEW,
                    "document",
                    result.archived.document_id,
                    "проверка подписи",
                )
    return render(request, "web/verify.html", {"form": form, "result": result, "verdict": verdict})
