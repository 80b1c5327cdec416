"""The import page: upload a journal export → the validation report or the change summary."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from service.accounts.permissions import Action, school_of
from service.web.access import require
from service.web.forms import UploadForm

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


@require(Action.IMPORT_JOURNAL)
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload an export; the import is all or nothing."""
    from service.journal.errors import InvalidInput
    from service.journal.upload import ForeignExport, UploadRefused, import_upload

    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_upload(upload, upload.name, school_of(request.user) or "", request.user)
        except UploadRefused as exc:
            form.add_error("file", str(exc))
        except InvalidInput as exc:
            context["problems"] = [str(p) for p in exc.problems]
            context["truncated"] = exc.truncated
            return render(request, "web/import.html", context, status=400)
        except ForeignExport as exc:
            context["foreign"] = exc.school_id
            return render(request, "web/import.html", context, status=400)
        else:
            context["result"] = result
            context["counts"] = [(ENTITY_LABELS.get(k, k), v) for k, v in result.counts.items()]
            context["summary"] = result.diff.summary() if result.diff else ""
            context["quality"] = _quality(result.snapshot_id)
    return render(request, "web/import.html", context)


def _quality(snapshot_id: str) -> list[object]:
    """The imported journal's data-quality warnings (by the school policy's grading rules)."""
    from service.journal.quality import check_quality
    from service.journal.store import load_snapshot
    from service.policy import school_policy

    rules = school_policy().grading
    return list(
        check_quality(load_snapshot(snapshot_id), rules.unmarked_grades, rules.pass_fail_subjects)
    )
