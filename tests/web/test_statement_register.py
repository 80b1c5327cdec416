"""The class page's register of issued statements: a batch is recorded, an acknowledgement too."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from service.accounts.roles import Role
from service.accounts.users import create_user
from service.orders.models import StatementIssue
from service.orders.paper import paper_families

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _paper_class(snapshot: object) -> tuple[object, object]:
    for school_class in snapshot.classes:
        if school_class.grade >= 2 and paper_families(snapshot, school_class.id):
            return school_class, snapshot.staff_by_id[school_class.teacher_id]
    raise AssertionError("the sample school has no paper family")


def test_class_teacher_issues_the_batch_and_records_an_acknowledgement(
    imported_school: object,
) -> None:
    """GIVEN a class teacher WHEN they print the paper batch THEN each statement is in the register,
    pending; WHEN they record a guardian's acknowledgement THEN the page shows the name and date."""
    snapshot = imported_school
    school_class, teacher = _paper_class(snapshot)
    families = paper_families(snapshot, school_class.id)
    user = create_user(
        "ct-reg", snapshot.school.id, [Role.CLASS_TEACHER, Role.TEACHER], staff_id=teacher.id
    )
    client = _client(user)
    response = client.post(f"/classes/{school_class.id}/statements-paper.pdf", {"period": "Q1"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "С информацией ознакомлен" in text
    rows = list(StatementIssue.objects.filter(class_id=school_class.id).order_by("pk"))
    assert [r.student_id for r in rows] == [f.student_id for f in families]
    assert {(r.method, r.period_id, r.issued_by) for r in rows} == {("paper", "Q1", "ct-reg")}

    page = client.get(f"/classes/{school_class.id}/").content.decode()
    assert "Реестр выданных выписок" in page
    assert page.count('placeholder="ФИО, как написано"') == len(rows)
    link = re.search(r'href="(/classes/[^"]+/statements/[^"]+\.pdf)"', page)
    assert link is not None
    again = client.get(link.group(1))
    assert again.status_code == 200 and again.content == response.content

    first = rows[0]
    ack = client.post(
        f"/classes/{school_class.id}/statements/{first.pk}/ack",
        {"by": "Петрова А. В.", "on": first.issued_on.isoformat()},
        follow=True,
    )
    page = ack.content.decode()
    assert "Ознакомление отмечено: Петрова А. В." in page
    assert page.count('placeholder="ФИО, как написано"') == len(rows) - 1
    first.refresh_from_db()
    assert (first.acknowledged_by, first.acknowledged_on) == ("Петрова А. В.", first.issued_on)

    twice = client.post(
        f"/classes/{school_class.id}/statements/{first.pk}/ack", {"by": "Другой"}, follow=True
    )
    assert "уже отмечено" in twice.content.decode()

    other = next(c for c in snapshot.classes if c.teacher_id and c.teacher_id != teacher.id)
    stranger = create_user(
        "ct-other", snapshot.school.id, [Role.CLASS_TEACHER, Role.TEACHER],
        staff_id=other.teacher_id,
    )  # fmt: skip
    refused = _client(stranger).post(
        f"/classes/{school_class.id}/statements/{rows[1].pk if len(rows) > 1 else first.pk}/ack",
        {"by": "Кто-то"},
    )
    assert refused.status_code == 403
