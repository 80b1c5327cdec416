"""Pages over the imported sample school: import, class pages and statements, refusals, verify."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from pypdf import PdfReader

from service.accounts.models import AccessEvent
from service.accounts.roles import Role
from service.accounts.users import create_user
from tests.fixtures.web import small_school_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(imported_school: object) -> object:
    """The small sample school (imported once for the module); its snapshot."""
    return imported_school


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _class_with_paper_family(snapshot: object) -> tuple[object, object]:
    from service.documents.kinds.parent_statement import paper_students

    for school_class in snapshot.classes:
        if school_class.grade >= 2 and paper_students(snapshot, school_class.id):
            return school_class, snapshot.staff_by_id[school_class.teacher_id]
    raise AssertionError("the sample school has no paper family")


def test_class_teacher_prints_one_statement_and_the_paper_batch(school: object) -> None:
    """GIVEN a class teacher WHEN they print THEN real PDFs with the student's name come back,
    and each print is in the access log."""
    school_class, teacher = _class_with_paper_family(school)
    user = create_user(
        "ct", school.school.id, [Role.CLASS_TEACHER, Role.TEACHER], staff_id=teacher.id
    )
    client = _client(user)
    page = client.get(f"/classes/{school_class.id}/").content.decode()
    assert "Реестр согласий" in page and "Напечатать все бумажные выписки" in page
    student = next(s for s in school.students_of_class[school_class.id] if not s.left_on)
    one = client.get(f"/classes/{school_class.id}/statement/{student.id}.pdf?period=Q1")
    assert one.status_code == 200 and one["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(one.content)).pages)
    assert student.last_name in text
    # A statement is a pure function of the immutable snapshot: the second one comes from the cache.
    again = client.get(f"/classes/{school_class.id}/statement/{student.id}.pdf?period=Q1")
    assert again.content == one.content
    from service.web.statements import _cache_file

    assert _cache_file(school, student.id, "Q1").is_file()
    batch = client.get(f"/classes/{school_class.id}/statements-paper.pdf?period=Q1")
    assert batch.status_code == 200
    assert len(PdfReader(io.BytesIO(batch.content)).pages) >= 1
    actions = list(AccessEvent.objects.values_list("action", "object_id"))
    assert ("print", f"student:{student.id}") in actions
    assert ("print", f"class:{school_class.id}") in actions


def test_teacher_refused_another_class_and_class_teacher_refused_foreign_statements(
    school: object,
) -> None:
    """A subject teacher cannot open a class they do not teach; a class teacher cannot print
    another class's statements."""
    school_class, teacher = _class_with_paper_family(school)
    ct = _client(create_user("ct2", school.school.id, [Role.CLASS_TEACHER], staff_id=teacher.id))
    other = next(c for c in school.classes if c.id != school_class.id and c.grade >= 2)
    student = school.students_of_class[other.id][0]
    assert ct.get(f"/classes/{other.id}/statement/{student.id}.pdf").status_code == 403
    assert ct.get(f"/classes/{other.id}/statements-paper.pdf").status_code == 403
    taught = {a.class_id for a in school.assignments if a.teacher_id == other.teacher_id}
    stranger = next(c for c in school.classes if c.id not in taught)
    teacher_user = create_user("t", school.school.id, [Role.TEACHER], staff_id=other.teacher_id)
    response = _client(teacher_user).get(f"/classes/{stranger.id}/")
    assert response.status_code == 403 and "Доступ запрещён" in response.content.decode()


def test_import_page_reports_problems_in_russian_and_keeps_nothing(school: object) -> None:
    """A broken export shows the Russian problem list; a re-import reports no changes."""
    from service.journal.models import Snapshot as SnapshotRow

    admin = create_user("adm", school.school.id, [Role.JOURNAL_ADMIN])
    client = _client(admin)
    before = SnapshotRow.objects.count()
    broken = io.BytesIO(b'{"format": "vedomost-journal", "version": 1, "school": 5}')
    broken.name = "export.json"
    response = client.post("/import/", {"file": broken})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Выгрузка не загружена" in html and "export.json" in html
    assert SnapshotRow.objects.count() == before
    again = io.BytesIO(small_school_json().encode())
    again.name = "school.json"
    html = client.post("/import/", {"file": again}).content.decode()
    assert "изменений нет" in html


def test_import_of_another_schools_export_is_refused(school: object) -> None:
    """A user of another school importing this export gets a refusal and nothing is stored."""
    from service.journal.models import Snapshot as SnapshotRow

    data = json.loads(small_school_json())
    data["school"]["id"] = "another-school"
    foreign = io.BytesIO(json.dumps(data, ensure_ascii=False).encode())
    foreign.name = "other.json"
    before = SnapshotRow.objects.count()
    admin = create_user("adm2", school.school.id, [Role.JOURNAL_ADMIN])
    response = _client(admin).post("/import/", {"file": foreign})
    assert response.status_code == 400 and "другой школе" in response.content.decode()
    assert SnapshotRow.objects.count() == before


def test_verify_page_reads_unsigned_and_garbage(school: object) -> None:
    """An unsigned statement is reported as unsigned; garbage as «Файл не PDF»."""
    school_class, teacher = _class_with_paper_family(school)
    user = create_user("ct3", school.school.id, [Role.CLASS_TEACHER], staff_id=teacher.id)
    client = _client(user)
    student = next(s for s in school.students_of_class[school_class.id] if not s.left_on)
    pdf = client.get(f"/classes/{school_class.id}/statement/{student.id}.pdf").content
    upload = io.BytesIO(pdf)
    upload.name = "statement.pdf"
    html = client.post("/verify/", {"file": upload}).content.decode()
    assert "В документе нет электронных подписей" in html and "такого файла нет" in html
    junk = io.BytesIO(b"not a pdf at all")
    junk.name = "junk.pdf"
    html = client.post("/verify/", {"file": junk}).content.decode()
    assert 'data-verdict="not-pdf"' in html and "Файл не PDF" in html


def test_consents_changed_only_by_pd_officer_or_director(school: object) -> None:
    """A class teacher sees the register but cannot change it; the PD officer can, and the
    change is in the access log."""
    from service.orders.models import ConsentRecord

    school_class, teacher = _class_with_paper_family(school)
    ct = _client(create_user("ct4", school.school.id, [Role.CLASS_TEACHER], staff_id=teacher.id))
    page = ct.get(f"/classes/{school_class.id}/").content.decode()
    assert "Реестр согласий" in page and ">изменить<" not in page
    record = ConsentRecord.objects.filter(
        school_id=school.school.id, class_id=school_class.id
    ).first()
    url = f"/classes/{school_class.id}/consents/{record.pk}"
    change = {"status": "given", "on": "2025-09-02", "confirm": "1"}
    assert ct.post(url, change).status_code == 403
    officer = _client(create_user("pd", school.school.id, [Role.PD_OFFICER]))
    assert ">изменить<" in officer.get(f"/classes/{school_class.id}/").content.decode()
    response = officer.post(url, change)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "given" and record.updated_by == "pd"
    assert AccessEvent.objects.filter(action="change", object_id=f"record:{record.pk}").exists()
