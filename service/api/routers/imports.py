"""Uploading a journal export: the same import as the web page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, UploadedFile
from ninja.responses import Status

from service.accounts.permissions import Action, can, school_of
from service.api.schemas import DENIED, ErrorOut, ImportOut, InvalidInputOut, responses

router = Router(tags=["journal"])


@router.post("/imports", response=responses(_201=ImportOut, _400=InvalidInputOut, _403=ErrorOut))
def import_export(request: HttpRequest, file: File[UploadedFile]) -> Status[Any]:
    """Import a journal export (all or nothing; only of the caller's own school)."""
    from service.journal.errors import InvalidInput
    from service.journal.upload import ForeignExport, UploadRefused, import_upload

    if not can(request.user, Action.IMPORT_JOURNAL):
        return Status(403, DENIED)
    try:
        result = import_upload(
            file, file.name or "upload.json", school_of(request.user) or "", request.user
        )
    except UploadRefused as exc:
        return Status(400, {"detail": str(exc), "problems": []})
    except InvalidInput as exc:
        problems = [
            {"file": p.file, "location": p.location, "field": p.field, "message": p.message}
            for p in exc.problems
        ]
        return Status(400, {"detail": "Выгрузка не загружена", "problems": problems})
    except ForeignExport:
        return Status(403, {"detail": "Выгрузка относится к другой школе"})
    data = result.to_dict()
    data["changes"] = result.diff.summary() if result.diff else ""
    return Status(201, data)
