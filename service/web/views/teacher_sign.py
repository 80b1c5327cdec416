"""«Мой класс»: the class teacher signs her class's documents that wait for her signature.

The password or PIN is typed on this page and used in this web process only: the key is opened
from the place the key registry records for her, the documents are signed, and the key is let go.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from service.accounts.access_log import Access, record_access
from service.web.access import school_snapshot
from service.web.forms import TeacherSignForm
from service.web.home import led_classes


def _own_class(request: HttpRequest, class_id: str) -> Any:
    """The snapshot when the user is the class teacher of ``class_id``; 404 otherwise."""
    snapshot = school_snapshot(request)
    if snapshot is None or class_id not in {c.id for c in led_classes(request.user, snapshot)}:
        raise Http404("Документы ждут подписи классного руководителя этого класса")
    return snapshot


def waiting_for_me(request: HttpRequest, snapshot: Any, class_id: str) -> list[Any]:
    """The class's documents waiting for the user's signature (empty unless it is her class)."""
    from service.jobs.teacher_sign import documents_for_teacher

    if class_id not in {c.id for c in led_classes(request.user, snapshot)}:
        return []
    return documents_for_teacher(snapshot.school.id, [class_id])


@require_POST
def sign(request: HttpRequest, class_id: str) -> HttpResponse:
    """Sign every document of the class that waits for its class teacher, with her own key."""
    from service.documents.signers import SignerMismatch
    from service.jobs.teacher_sign import (
        TeacherKeyProblem,
        open_registered,
        registered_key,
        sign_for_teacher,
    )

    if not request.user.is_authenticated:
        return redirect("web:login")
    snapshot = _own_class(request, class_id)
    back = f"{reverse('web:class_detail', args=[class_id])}#to-sign"
    form = TeacherSignForm(request.POST)
    items = waiting_for_me(request, snapshot, class_id)
    if not form.is_valid() or not items:
        messages.error(request, "Документов, ждущих вашей подписи, нет.")
        return redirect(back)
    staff_id = request.user.profile.staff_id  # type: ignore[union-attr]
    row = registered_key(snapshot.school.id, staff_id)
    if row is None:
        messages.error(
            request,
            "Ваш ключ подписи не записан в реестр ключей. Попросите администратора "
            "зарегистрировать его (vedomost keys register) и подпишите документы снова.",
        )
        return redirect(back)
    try:
        with open_registered(row, form.cleaned_data["password"]) as signer:
            count = sign_for_teacher(items, signer, actor=request.user.username)
    except (TeacherKeyProblem, SignerMismatch) as exc:
        messages.error(request, str(exc))
        return redirect(back)
    from service.russian.numbers import plural_word

    record_access(request.user, Access.SIGN, "class-teacher-sign", class_id, f"{count}")
    messages.success(
        request,
        f"Подписано: {count} {plural_word(count, 'документ')}. Подпись директора ставится "
        "при продолжении закрытия.",
    )
    return redirect(back)


def preview(request: HttpRequest, class_id: str, close_id: Any, document_id: str) -> HttpResponse:
    """A document waiting for the class teacher, as she will sign it (PDF, inline)."""
    from service.jobs import work_files

    if not request.user.is_authenticated:
        return redirect("web:login")
    snapshot = _own_class(request, class_id)
    for close, item in waiting_for_me(request, snapshot, class_id):
        if str(close.id) == str(close_id) and item.key == document_id:
            pdf = work_files.read(close.id, work_files.RENDERED, item.key)
            if pdf is None:
                break
            record_access(request.user, Access.VIEW, "document", document_id, f"close {close_id}")
            return FileResponse(
                io.BytesIO(pdf), content_type="application/pdf", filename=f"{document_id}.pdf"
            )
    raise Http404("Документ не найден")
