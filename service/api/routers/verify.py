"""Verifying a PDF: its signatures and whether it matches an archived document."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, UploadedFile
from ninja.responses import Status

from service.accounts.permissions import Action, can, school_of
from service.api.schemas import DENIED, ErrorOut, SignatureOut, responses

router = Router(tags=["archive"])

MAX_PDF_BYTES = 200 * 1024 * 1024


@router.post("/verify", response=responses(_200=SignatureOut, _400=ErrorOut, _403=ErrorOut))
def verify_document(request: HttpRequest, file: File[UploadedFile]) -> Status[Any]:
    """Validate a PDF's signatures and say whether it matches an archived document."""
    from service.archive.verification import verify_pdf

    if not can(request.user, Action.VERIFY_DOCUMENT):
        return Status(403, DENIED)
    if (file.size or 0) > MAX_PDF_BYTES:
        return Status(400, {"detail": "Файл слишком большой"})
    result = verify_pdf(file.read(), school_of(request.user) or "")
    return Status(
        200,
        {
            "valid": result.valid,
            "readable": result.readable,
            "sha256": result.sha256,
            "report": result.report_text,
            "archived_document_id": result.archived.document_id if result.archived else None,
            "archived_version": result.archived.version if result.archived else None,
        },
    )
