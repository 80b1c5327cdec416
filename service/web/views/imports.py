"""The import page: upload a journal export → the validation report or the change summary."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from service.accounts.access_log import Access, record_access
from service.accounts.permissions import Action, school_of
from service.web.access import require
from service.web.forms import UploadForm

ALLOWED_SUFFIXES = (".json", ".gz", ".xlsx", ".csv", ".zip")
ENTITY_LABELS = {
    "staff": "сотрудники",
    "classes": "классы",
    "students": "ученики",
    "guardians": "представители",
    "subjects": "предметы",
    "assignments": "нагрузка",
    "lessons": "уроки",
    "marks": "отметки",
    "attendance": "посещаемость",
    "period_marks": "отметки за периоды",
    "decisions": "решения",
    "movements": "движение",
    "substitutions": "замены",
    "consents": "согласия",
}


class _OtherSchool(Exception):
    """The export belongs to another school than the user's."""


@require(Action.IMPORT_JOURNAL)
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload an export; the import is all or nothing."""
    from service.accounts.snapshots import forget
    from service.journal.errors import InvalidInput
    from service.journal.importer import import_file

    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = Path(upload.name).name
        suffix = "".join(Path(name).suffixes[-2:]) if name.endswith(".gz") else Path(name).suffix
        if not name.lower().endswith(ALLOWED_SUFFIXES):
            form.add_error("file", "Поддерживаются файлы .json, .json.gz, .xlsx, .csv и .zip.")
        else:
            with tempfile.TemporaryDirectory(prefix="vedomost-import-") as tmp:
                path = Path(tmp) / f"upload{suffix.lower()}"
                with path.open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
                try:
                    with transaction.atomic():
                        result = import_file(path)
                        if result.school_id != school_of(request.user):
                            raise _OtherSchool(result.school_id)
                except InvalidInput as exc:
                    context["problems"] = [str(p).replace(path.name, name, 1) for p in exc.problems]
                    context["truncated"] = exc.truncated
                    return render(request, "web/import.html", context, status=400)
                except _OtherSchool as exc:  # rolled back: nothing of it is kept
                    context["foreign"] = str(exc)
                    return render(request, "web/import.html", context, status=400)
            forget()
            record_access(request.user, Access.IMPORT, "snapshot", result.snapshot_id, name)
            context["result"] = result
            context["counts"] = [(ENTITY_LABELS.get(k, k), v) for k, v in result.counts.items()]
            context["summary"] = result.diff.summary() if result.diff else ""
    return render(request, "web/import.html", context)
