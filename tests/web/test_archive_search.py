"""Archive search and downloads: names instead of codes, Russian errors, RFC 6266 file names."""

from __future__ import annotations

import io
import re
import uuid
from email.message import Message
from urllib.parse import unquote

import pytest
from django.test import Client
from pypdf import PdfReader

from service.accounts.roles import Role
from service.accounts.users import create_user
from service.web.downloads import content_disposition

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(imported_school: object) -> object:
    """The small sample school (imported once for the module); its snapshot."""
    return imported_school


@pytest.fixture
def archived(school: object) -> dict[str, object]:
    """A real statement PDF and a journal printout archived for one student and one class."""
    from service.archive.wiring import get_archive
    from service.jobs.progress import PlannedItem, create_job
    from service.web.statements import student_statement
    from storage.archive import DocumentMetadata

    school_class = next(c for c in school.classes if c.grade >= 5)
    student = next(s for s in school.students_of_class[school_class.id] if not s.left_on)
    assignment = next(
        a for a in school.assignments if a.class_id == school_class.id and not a.group_id
    )
    pdf = student_statement(school, student.id, "Q1")
    tag = uuid.uuid4().hex[:8].upper()
    statement_id, printout_id = f"VD-T{tag[:3]}-{tag[3:7]}-0001", f"VD-T{tag[:3]}-{tag[3:7]}-0002"
    archive = get_archive()
    common = {"school": school.school.id, "year": school.year.id, "class_id": school_class.id}
    archive.archive(
        pdf,
        DocumentMetadata(statement_id, period="Q1", extra={"student": student.id}, **common),
        "parent-statement",
    )
    archive.archive(
        pdf + b"\n%printout",
        DocumentMetadata(printout_id, period="Q1", **common),
        "journal-printout",
    )
    create_job(
        school.school.id,
        "period-render",
        [
            PlannedItem(
                printout_id,
                "",
                {
                    "kind": "journal-printout",
                    "class_id": school_class.id,
                    "class": school_class.id,
                    "subject": assignment.subject_id,
                    "period": "Q1",
                },
            )
        ],
    )
    return {
        "class": school_class,
        "student": student,
        "subject": school.subject_by_id[assignment.subject_id],
        "teacher": school.staff_by_id[assignment.teacher_id],
        "statement": statement_id,
        "printout": printout_id,
        "pdf": pdf,
    }


def _filename(header: str) -> tuple[str, str, str]:
    """(disposition, ASCII ``filename``, decoded ``filename*``) parsed back from the header."""
    message = Message()
    message["Content-Disposition"] = header
    disposition = message.get_content_disposition() or ""
    fallback = message.get_param("filename", header="Content-Disposition")
    star = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    assert isinstance(fallback, str) and fallback.isascii(), header
    assert star is not None, header
    return disposition, fallback, unquote(star.group(1), encoding="utf-8", errors="strict")


def _director(school: object) -> Client:
    user = create_user("arch-director", school.school.id, [Role.DIRECTOR])
    client = Client()
    client.force_login(user)
    return client


def _found(html: str) -> int:
    match = re.search(r'id="found">(\d+)<', html)
    assert match, html
    return int(match.group(1))


def test_bad_date_gives_a_russian_error_not_all_documents(
    school: object, archived: dict[str, object]
) -> None:
    """GIVEN archived documents WHEN the «с» date is «31.02.2025» THEN a Russian error, no rows."""
    html = _director(school).get("/archive/", {"from": "31.02.2025"}).content.decode()
    assert "Дата «с» указана неверно: «31.02.2025»" in html
    assert 'id="search-errors"' in html
    assert _found(html) == 0


def test_class_matched_in_any_case_and_period_by_name(
    school: object, archived: dict[str, object]
) -> None:
    """«5а» finds the documents of «5А»; the period «1 четверть» works as well as its id."""
    school_class = archived["class"]
    client = _director(school)
    lower = client.get("/archive/", {"class": school_class.id.lower()}).content.decode()
    assert _found(lower) >= 2 and archived["statement"] in lower
    by_name = client.get(
        "/archive/", {"class": school_class.id, "period": "1 четверть"}
    ).content.decode()
    assert _found(by_name) >= 2
    assert "1 четверть" in by_name and ">Q1<" not in by_name


def test_surname_finds_the_students_documents_with_names_and_download_links(
    school: object, archived: dict[str, object]
) -> None:
    """A surname typed in lower case finds the statement; results show names, not codes."""
    student = archived["student"]
    html = _director(school).get("/archive/", {"student": student.last_name.lower()}).content
    text = html.decode()
    assert archived["statement"] in text and archived["printout"] not in text
    assert student.full_name in text and "Выписка для родителей" in text
    assert "parent-statement" not in text.split("<tbody>")[1]
    assert f"/archive/{archived['statement']}/v1.pdf" in text


def test_results_show_subject_and_teacher_of_a_printout(
    school: object, archived: dict[str, object]
) -> None:
    """The journal printout's row names its class, subject and teacher."""
    html = _director(school).get("/archive/", {"document": archived["printout"]}).content.decode()
    assert _found(html) == 1
    assert archived["subject"].name in html and archived["teacher"].short_name in html
    assert f"{archived['class'].name} класс" in html


def test_download_named_in_russian_with_a_parsable_content_disposition(
    school: object, archived: dict[str, object]
) -> None:
    """The download is ``Выписка_<Фамилия>_<класс>_1-четверть.pdf`` in an RFC 6266 header."""
    response = _director(school).get(f"/archive/{archived['statement']}/v1.pdf")
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert "=?utf-8?" not in header
    disposition, fallback, name = _filename(header)
    assert disposition == "attachment" and fallback.endswith(".pdf")
    student, school_class = archived["student"], archived["class"]
    assert name == f"Выписка_{student.last_name}_{school_class.name}_1-четверть.pdf"
    body = response.content
    assert body == archived["pdf"]
    assert len(PdfReader(io.BytesIO(body)).pages) >= 1


def test_class_statement_download_header_and_whole_year_paper_batch(
    school: object,
) -> None:
    """A statement for the whole year is made (no command-line error) and named in Russian."""
    from service.documents.kinds.parent_statement import paper_students

    school_class = next(c for c in school.classes if c.grade >= 2 and paper_students(school, c.id))
    user = create_user(
        "arch-ct",
        school.school.id,
        [Role.CLASS_TEACHER],
        staff_id=school_class.teacher_id,
    )
    client = Client()
    client.force_login(user)
    batch = client.get(f"/classes/{school_class.id}/statements-paper.pdf", {"period": ""})
    assert batch.status_code == 200, batch.content[:500]
    assert batch["Content-Type"] == "application/pdf"
    _, fallback, name = _filename(batch["Content-Disposition"])
    assert name == f"Выписки_{school_class.name}_весь-год.pdf"
    assert fallback == "Vypiski_" + fallback.split("_", 1)[1] and fallback.endswith("_ves-god.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(batch.content)).pages)
    assert school.year.start.strftime("%d.%m.%Y") in text or "учебный год" in text.lower()
    page = client.get(f"/classes/{school_class.id}/").content.decode()
    assert "1 четверть" in page and ">Q1<" not in page


def test_content_disposition_plain_ascii_name_has_no_star_parameter() -> None:
    """An ASCII name needs no ``filename*``; a quote in a name cannot break the header."""
    assert content_disposition("report.pdf") == 'attachment; filename="report.pdf"'
    header = content_disposition('Акт "1".pdf', inline=True)
    assert _filename(header) == ("inline", "Akt__1_.pdf", 'Акт "1".pdf')


def test_statement_errors_shown_on_the_class_page_in_russian(school: object) -> None:
    """A class without paper families and an unknown period end on the class page, in Russian."""
    from service.orders.paper import paper_families

    bare = next((c for c in school.classes if not paper_families(school, c.id)), None)
    user = create_user("arch-dir2", school.school.id, [Role.DIRECTOR])
    client = Client()
    client.force_login(user)
    some_class = bare or school.classes[0]
    page = client.get(
        f"/classes/{some_class.id}/statements-paper.pdf", {"period": "Q9"}, follow=True
    ).content.decode()
    assert f"Периода «Q9» нет в учебном году {school.year.id}." in page
    if bare is not None:
        page = client.get(
            f"/classes/{bare.id}/statements-paper.pdf", {"period": "Q1"}, follow=True
        ).content.decode()
        assert f"В классе {bare.name} нет семей, получающих выписки на бумаге." in page
    assert "--period" not in page


def test_api_download_carries_the_same_russian_name_as_the_page(
    school: object, archived: dict[str, object]
) -> None:
    """GIVEN an archived journal printout WHEN it is downloaded through the JSON API THEN the
    header is the page's RFC 6266 one: an ASCII ``filename`` and the Russian ``filename*``."""
    from service.accounts.tokens import issue_token

    user = create_user("arch-api", school.school.id, [Role.DIRECTOR])
    api = Client(headers={"Authorization": f"Bearer {issue_token(user, 'ci')}"})
    response = api.get(f"/api/documents/{archived['printout']}/versions/1/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    header = response["Content-Disposition"]
    disposition, fallback, name = _filename(header)
    page = _director(school).get(f"/archive/{archived['printout']}/v1.pdf")
    assert header == page["Content-Disposition"]
    subject, school_class = archived["subject"].name, archived["class"].name
    assert disposition == "attachment" and name.startswith(f"Журнал_{school_class}_")
    assert subject.split()[0] in name and name.endswith("_1-четверть.pdf")
    assert fallback.startswith("Zhurnal_") and fallback.endswith("_1-chetvert.pdf")
    assert response.content == archived["pdf"] + b"\n%printout"
