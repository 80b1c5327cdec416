"""The web ways forward for a summary waiting for its class teacher's signature."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from service.accounts.roles import Role
from service.accounts.snapshots import current_snapshot, forget
from service.accounts.users import create_user
from service.jobs import work_files
from service.jobs.close_engine import open_close, run_close
from service.jobs.close_plan import resolve_target
from service.jobs.models import PeriodClose
from service.jobs.teacher_sign import register_key, waiting_items
from service.russian.names import short_name
from tests.fixtures.web import import_sample_school
from tests.jobs.test_teacher_signature import PASSWORD, _assert_teacher_then_director, issue_p12

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
CLASS = "5А"


def _waiting_close(test_pki: Any, tmp_path: Path) -> tuple[Any, PeriodClose, Any]:
    """The small school's Q1 of 5А signed by the director; its summary waits for the teacher."""
    from signing.signers import load_pkcs12

    forget()
    snapshot = current_snapshot(import_sample_school(tmp_path).school_id)
    director = load_pkcs12(
        issue_p12(test_pki, snapshot.director.full_name, tmp_path / "d.p12"), PASSWORD.encode()
    )
    close, _ = open_close(None, snapshot, resolve_target(snapshot, "Q1"), {CLASS})
    run_close(close, director)
    close.refresh_from_db()
    assert close.state == PeriodClose.State.FAILED and waiting_items(close)
    return snapshot, close, director


def _client(username: str, snapshot: Any, role: Role, staff_id: str) -> Client:
    user = create_user(username, snapshot.school.id, [role], staff_id=staff_id)
    client = Client()
    client.force_login(user)
    return client


def test_the_director_goes_on_without_the_teacher_with_a_reason(
    test_pki: Any, tmp_path: Path
) -> None:
    """GIVEN a summary waiting for its teacher WHEN the director opens the close THEN the page
    names the teacher (genitive) and offers signing alone; without a reason it is refused, with
    one the reason is audited and the close waits for the director's key again."""
    from service.archive.models import AuditEvent

    snapshot, close, _ = _waiting_close(test_pki, tmp_path)
    teacher = snapshot.staff_by_id[snapshot.class_by_id[CLASS].teacher_id]
    director = _client("dir", snapshot, Role.DIRECTOR, snapshot.school.director_id)
    page = director.get(f"/period/{close.id}/").content.decode()
    assert 'id="waiting-teacher"' in page and 'id="without-teacher"' in page
    assert f"Ожидает подписи классного руководителя {short_name(teacher, 'gen')}" in page
    refused = director.post(f"/period/{close.id}/without-teacher", {"reason": ""}, follow=True)
    assert "Укажите причину" in refused.content.decode()
    assert waiting_items(close)
    done = director.post(
        f"/period/{close.id}/without-teacher", {"reason": "больничный лист"}, follow=True
    )
    assert (
        "Причина записана в журнал аудита. 1 документ будет подписан только директором"
        in done.content.decode()
    )
    close.refresh_from_db()
    assert close.state == PeriodClose.State.RENDERED
    event = AuditEvent.objects.get(kind="teacher-signature-skipped")
    assert event.actor == "dir" and event.detail["reason"] == "больничный лист"


def test_the_class_teacher_signs_from_her_class_page(test_pki: Any, tmp_path: Path) -> None:
    """GIVEN a summary waiting for 5А's teacher and her key in the registry WHEN she opens «Мой
    класс» THEN it is listed with a preview; a wrong password is refused; her password signs it;
    another teacher cannot; the director's next run archives it with both signatures."""
    from signing.signers import load_pkcs12

    snapshot, close, director_key = _waiting_close(test_pki, tmp_path)
    teacher = snapshot.staff_by_id[snapshot.class_by_id[CLASS].teacher_id]
    key = issue_p12(test_pki, teacher.full_name, tmp_path / "keys" / "teacher.p12")
    register_key(
        snapshot.school.id,
        teacher.id,
        teacher.full_name,
        load_pkcs12(key, PASSWORD.encode()),
        f"pkcs12:{key}",
    )
    client = _client("teacher", snapshot, Role.CLASS_TEACHER, teacher.id)
    page = client.get(f"/classes/{CLASS}/").content.decode()
    assert 'id="to-sign"' in page and "Ждут вашей подписи" in page
    (item,) = waiting_items(close)
    preview = client.get(f"/classes/{CLASS}/to-sign/{close.id}/{item.key}.pdf")
    assert preview.status_code == 200
    assert b"".join(preview.streaming_content).startswith(b"%PDF")

    other_class = next(c for c in snapshot.classes if c.teacher_id and c.teacher_id != teacher.id)
    other = _client("other", snapshot, Role.CLASS_TEACHER, other_class.teacher_id)
    assert other.post(f"/classes/{CLASS}/sign", {"password": PASSWORD}).status_code == 404

    wrong = client.post(f"/classes/{CLASS}/sign", {"password": "не тот"}, follow=True)
    assert "Ключ подписи не открылся" in wrong.content.decode()
    assert not work_files.exists(close.id, work_files.TEACHER, item.key)
    signed = client.post(f"/classes/{CLASS}/sign", {"password": PASSWORD}, follow=True)
    assert "Подписано: 1 документ." in signed.content.decode()
    assert waiting_items(close) == []
    assert 'id="to-sign"' not in client.get(f"/classes/{CLASS}/").content.decode()

    director = _client("dir", snapshot, Role.DIRECTOR, snapshot.school.director_id)
    director.post(f"/period/{close.id}/retry")
    close.refresh_from_db()
    assert close.state == PeriodClose.State.RENDERED
    run_close(close, director_key)
    close.refresh_from_db()
    assert close.state == PeriodClose.State.ARCHIVED, close.error
    from service.archive.wiring import get_archive

    with get_archive().read(item.key) as data:  # the work files are gone once archived
        pdf = data.read()
    _assert_teacher_then_director(test_pki, pdf, teacher, snapshot.director)
    from django.core.files.uploadedfile import SimpleUploadedFile

    verify = director.post(
        "/verify/", {"file": SimpleUploadedFile("summary.pdf", pdf, "application/pdf")}
    ).content.decode()
    assert verify.count('class="signature"') == 2
    assert teacher.full_name in verify and snapshot.director.full_name in verify
    assert "классный руководитель" in verify and "директор" in verify
