"""Each role's home, the orders page and the consent record, through the Django test client."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from django.test import Client

from service.accounts.roles import Role
from service.accounts.users import create_user
from service.orders.render import docx_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(imported_school: object) -> object:
    """The small sample school (imported once for the module); its snapshot."""
    return imported_school


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _user(school: object, name: str, roles: list[Role], staff_id: str = "") -> object:
    return create_user(name, school.school.id, roles, staff_id=staff_id)


def _led(school: object) -> tuple[object, object]:
    led = sorted((c for c in school.classes if c.teacher_id), key=lambda c: (c.grade, c.letter))
    return led[0], led[1]


def test_class_teacher_opens_on_her_class_and_gets_a_reason_for_another(school: object) -> None:
    """GIVEN a class teacher WHEN she logs in THEN «Мой класс» opens; another class is a Russian
    403 that names her class and links to it."""
    mine, other = _led(school)
    client = _client(
        _user(school, "ct", [Role.CLASS_TEACHER, Role.TEACHER], staff_id=mine.teacher_id)
    )
    home = client.get("/")
    assert home.status_code == 302 and unquote(home["Location"]) == f"/classes/{mine.id}/"
    page = client.get(home["Location"]).content.decode()
    assert f"Мой класс: {mine.name}" in page
    assert 'id="consents"' in page and 'id="documents"' in page and 'id="students"' in page
    refused = client.get(f"/classes/{other.id}/")
    text = refused.content.decode()
    assert refused.status_code == 403
    assert f"{other.name} класс — не ваш" in text and f"Мой класс: {mine.name}" in text


def test_each_role_lands_on_its_home_and_sees_only_cards_it_can_act_on(school: object) -> None:
    """The secretary opens on orders, the PD officer on consents, the director on the dashboard
    with every card; a teacher's dashboard has no archive, audit or signature cards."""
    secretary = _client(_user(school, "sec", [Role.SECRETARY]))
    assert secretary.get("/")["Location"] == "/orders/"
    assert "Оформить документ" in secretary.get("/orders/").content.decode()
    officer = _client(_user(school, "pd", [Role.PD_OFFICER]))
    assert officer.get("/")["Location"] == "/consents/"
    register = officer.get("/consents/").content.decode()
    assert "Реестр согласий" in register and school.classes[0].name in register
    director = _client(_user(school, "dir", [Role.DIRECTOR]))
    dashboard = director.get("/")
    assert dashboard.status_code == 200
    html = dashboard.content.decode()
    assert all(f'id="{card}"' in html for card in ("period", "signatures", "replication", "audit"))
    teacher = _client(_user(school, "teach", [Role.TEACHER]))
    html = teacher.get("/").content.decode()
    assert 'id="period"' in html
    assert not any(f'id="{c}"' in html for c in ("signatures", "replication", "audit"))
    assert teacher.get("/orders/").status_code == 403
    assert officer.get("/orders/").status_code == 403


def test_secretary_previews_then_numbers_an_order_and_downloads_the_docx(school: object) -> None:
    """Preview takes no number; «Присвоить номер» takes the next one; the DOCX names the order."""
    from service.orders.models import RegisterEntry

    client = _client(_user(school, "sec2", [Role.SECRETARY]))
    form = client.get("/orders/new/intro-journal/").content.decode()
    assert "Администратор электронного журнала" in form and "Дата введения" in form
    data = {"document_date": "2025-09-01", "p_effective_date": "01.09.2025"}
    preview = client.post("/orders/new/intro-journal/", {**data, "action": "preview"})
    assert preview.status_code == 200
    assert "ПРИКАЗЫВАЮ" in preview.content.decode()
    assert RegisterEntry.objects.count() == 0
    made = client.post("/orders/new/intro-journal/", {**data, "action": "issue"})
    assert made.status_code == 302
    entry = RegisterEntry.objects.get()
    page = client.get(made["Location"]).content.decode()
    assert f'id="number">{entry.number}<' in page
    docx = client.get(made["Location"].rstrip("/") + ".docx")
    assert docx.status_code == 200 and "filename*=UTF-8''" in docx["Content-Disposition"]
    text = " ".join(docx_text(docx.content).split())
    assert "О введении электронного классного журнала и электронных дневников" in text
    assert entry.number in text
    assert "Приказ" in client.get("/orders/").content.decode()


def test_order_form_errors_are_russian(school: object) -> None:
    """A bad date and a missing required choice are refused in Russian; no number is taken."""
    from service.orders.models import RegisterEntry

    client = _client(_user(school, "sec3", [Role.SECRETARY]))
    bad = client.post(
        "/orders/new/movement/", {"document_date": "32.13.2025", "action": "issue"}
    ).content.decode()
    assert "Введите дату в виде ДД.ММ.ГГГГ." in bad
    missing = client.post(
        "/orders/new/refusal-letter/", {"document_date": "2025-09-01", "action": "preview"}
    ).content.decode()
    assert "Заполните это поле." in missing
    assert RegisterEntry.objects.count() == 0


def test_template_upload_is_checked_like_the_cli(school: object) -> None:
    """A file that is not a DOCX template is refused with the sandbox's Russian message."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(_user(school, "sec4", [Role.SECRETARY]))
    response = client.post(
        "/orders/templates/",
        {"kind": "intro-journal", "file": SimpleUploadedFile("x.docx", b"not a docx")},
    )
    assert response.status_code == 400
    assert "Шаблон отклонён" in response.content.decode()


def test_consent_change_asks_confirmation_keeps_given_date_and_keeps_history(
    school: object,
) -> None:
    """GIVEN the PD officer WHEN she changes a status THEN a confirmation comes first; «дано»
    again keeps the first date; a refusal links the drafted letter; the history lists it all."""
    from service.orders.consents import sync_consents
    from service.orders.models import ConsentChange, ConsentRecord

    sync_consents(school)
    record = ConsentRecord.objects.filter(school_id=school.school.id, status="pending").first()
    url = f"/classes/{record.class_id}/consents/{record.pk}"
    client = _client(_user(school, "pd2", [Role.PD_OFFICER]))
    ask = client.post(url, {"status": "given", "on": "2025-09-03", "comment": "бланк от мамы"})
    assert "Подтвердите изменение" in ask.content.decode()
    record.refresh_from_db()
    assert record.status == "pending"
    client.post(url, {"status": "given", "on": "2025-09-03", "comment": "", "confirm": "1"})
    client.post(url, {"status": "given", "on": "2025-10-01", "confirm": "1"})
    record.refresh_from_db()
    assert (record.status, record.given_on) == ("given", dt.date(2025, 9, 3))
    client.post(url, {"status": "refused", "on": "2025-10-02", "confirm": "1"})
    page = client.get(url).content.decode()
    assert "История изменений" in page and 'id="letter-docx"' in page
    letter = client.get(url + "/letter.docx")
    assert letter.status_code == 200
    text = docx_text(letter.content)
    assert school.guardian_by_id[record.guardian_id].last_name[:4] in text
    moves = list(
        ConsentChange.objects.filter(consent=record).values_list("from_status", "to_status")
    )
    assert moves == [("pending", "given"), ("given", "given"), ("given", "refused")]
    bad = client.post(url, {"status": "given", "on": "вчера"})
    assert bad.status_code == 400 and "ДД.ММ.ГГГГ" in bad.content.decode()
