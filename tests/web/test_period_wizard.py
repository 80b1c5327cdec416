"""The period-close wizard's pages: empty selection, cancel and continue, the pickers."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from service.accounts.roles import Role
from service.accounts.users import create_user
from service.jobs.models import PeriodClose

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(imported_school: object) -> Client:
    snapshot = imported_school
    user = create_user(
        "wiz-dir",
        snapshot.school.id,  # type: ignore[attr-defined]
        [Role.DIRECTOR],
        staff_id=snapshot.school.director_id,  # type: ignore[attr-defined]
    )
    client = Client()
    client.force_login(user)
    return client


def test_the_class_step_has_pickers_and_an_empty_post_starts_nothing(director: Client) -> None:
    """The class step offers select all / none / by grade; a POST with no class is refused."""
    page = director.get("/period/plan/?period=Q1").content.decode()
    for marker in (
        'id="select-all"',
        'id="select-none"',
        "По параллелям",
        'class="secondary grade"',
    ):
        assert marker in page
    response = director.post("/period/plan/", {"period": "Q1"}, follow=True)
    assert "Не выбран ни один класс" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?period=Q1")
    assert not PeriodClose.objects.exists()


def test_a_close_is_cancelled_and_continued_from_its_page(director: Client) -> None:
    """Cancel → «отменено» with «Продолжить»; continuing puts it back to rendering."""
    response = director.post("/period/plan/", {"period": "Q1", "classes": ["—"]})
    close = PeriodClose.objects.get()
    assert response["Location"].endswith(f"/period/{close.id}/")
    assert 'id="cancel"' in director.get(f"/period/{close.id}/").content.decode()
    director.post(f"/period/{close.id}/cancel")
    close.refresh_from_db()
    assert close.state == PeriodClose.State.CANCELLED
    page = director.get(f"/period/{close.id}/").content.decode()
    assert "Продолжить" in page and "можно продолжить" in page and 'id="cancel"' not in page
    director.post(f"/period/{close.id}/retry")
    close.refresh_from_db()
    assert close.state == PeriodClose.State.RENDERING
    status = director.get(f"/period/{close.id}.json").json()
    assert status["state"] == "rendering" and status["job"]["total"] >= 1


def test_the_close_page_names_documents_in_words_and_previews_carry_russian_names(
    director: Client, imported_school: object
) -> None:
    """GIVEN one class's Q1 documents rendered WHEN the director opens the close THEN the page
    shows kinds, subjects and the period by name (no «Q1», no kind or job codes, no document
    ids) and a preview is an inline PDF named ``Журнал_<класс>_<предмет>…`` (RFC 6266)."""
    from email.message import Message
    from urllib.parse import unquote

    from service.jobs.close_engine import open_close
    from service.jobs.close_plan import resolve_target
    from service.jobs.period_close import advance
    from service.jobs.tasks import run_inline

    snapshot = imported_school
    school_class = min(
        (c for c in snapshot.classes if c.grade >= 5),  # type: ignore[attr-defined]
        key=lambda c: sum(a.class_id == c.id for a in snapshot.assignments),  # type: ignore[attr-defined]
    )
    target = resolve_target(snapshot, "Q1")
    close, _ = open_close(None, snapshot, target, {school_class.id}, start=False)
    run_inline(close.render_job)
    close = advance(PeriodClose.objects.get(pk=close.pk))
    assert close.state == PeriodClose.State.RENDERED
    page = director.get(f"/period/{close.id}/").content.decode()
    body = re.sub(r"<script.*?</script>|<[^>]+>", " ", page, flags=re.S)  # the words shown
    for code in ("Q1", "period-render", "journal-printout", "period-summary", "VD-"):
        assert code not in body, code
    assert "1 четверть" in body and "Выгрузка журнала за период" in body
    items = list(close.render_job.items.all())
    printout = next(i for i in items if i.params.get("kind") == "journal-printout")
    params = dict(printout.params.get("params") or printout.params)
    subject = snapshot.subject_by_id[params["subject"]].name  # type: ignore[attr-defined]
    assert subject in page
    response = director.get(f"/period/{close.id}/doc/{printout.result['document_id']}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    header = response["Content-Disposition"]
    message = Message()
    message["Content-Disposition"] = header
    assert message.get_content_disposition() == "inline"
    assert str(message.get_param("filename", header="Content-Disposition")).isascii()
    star = header.split("filename*=UTF-8''", 1)[1]
    name = unquote(star, errors="strict")
    assert name.startswith(f"Журнал_{school_class.name}_") and name.endswith("_1-четверть.pdf")
    assert response.content.startswith(b"%PDF")
    assert director.get(f"/period/{close.id}/doc/VD-NOT-THERE.pdf").status_code == 404


def test_a_year_close_archived_without_its_inventory_says_what_to_do(
    director: Client, imported_school: object
) -> None:
    """GIVEN a school-wide year close archived WHEN its inventory is not there THEN the page says
    it is being drawn up (and reloads) for a while, then that it is missing and what to do."""
    import datetime as dt

    from django.utils import timezone

    from service.jobs.close_engine import open_close
    from service.jobs.close_plan import resolve_target

    snapshot = imported_school
    close, _ = open_close(None, snapshot, resolve_target(snapshot, "year"), {"—"}, start=False)
    now = timezone.now()
    PeriodClose.objects.filter(pk=close.pk).update(state="archived", archived_at=now)
    page = director.get(f"/period/{close.id}/").content.decode()
    assert 'id="inventory-pending"' in page and "window.location.reload" in page
    PeriodClose.objects.filter(pk=close.pk).update(archived_at=now - dt.timedelta(hours=1))
    page = director.get(f"/period/{close.id}/").content.decode()
    assert 'id="inventory-pending"' not in page and 'id="inventory-missing"' in page
    assert "Выполните закрытие года ещё раз" in page
