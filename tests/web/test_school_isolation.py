"""Two schools on one installation: each user sees only their own school's jobs, closes and
archived documents, on the pages and in the API; another school's addresses are a Russian 403
or 404, never its data."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfWriter

from service.accounts.roles import Role
from service.accounts.users import create_user
from tests.fixtures.web import small_school_json

pytestmark = pytest.mark.django_db

OTHER_SCHOOL = {
    "id": "school-isolation-b",
    "short_name": "МБОУ СОШ № 31",
    "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Средняя "
    "общеобразовательная школа № 31» г. Новоозёрска",
}


def import_two_schools(directory: Path) -> tuple[Any, Any]:
    """The small sample school and a second school (same journal, another id and name)."""
    from service.accounts.snapshots import current_snapshot, forget
    from service.journal.importer import import_file

    forget()
    first = directory / "a.json"
    first.write_text(small_school_json(), encoding="utf-8")
    data = json.loads(small_school_json())
    data["school"].update(OTHER_SCHOOL)
    second = directory / "b.json"
    second.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    a, b = import_file(first), import_file(second)
    return current_snapshot(a.school_id), current_snapshot(b.school_id)


def remove_schools(snapshots: tuple[Any, ...]) -> None:
    from service.accounts.snapshots import forget
    from service.journal.models import Snapshot as SnapshotRow

    SnapshotRow.objects.filter(sha256__in=[s.snapshot_id for s in snapshots]).delete()
    forget()


@pytest.fixture(scope="module")
def schools(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, Any]]:
    with django_db_blocker.unblock():
        pair = import_two_schools(tmp_path_factory.mktemp("schools"))
        try:
            yield pair
        finally:
            remove_schools(pair)


def _blank_pdf() -> bytes:
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def school_data(snapshot: Any, tag: str) -> dict[str, Any]:
    """A director, a close (not started) with its render job, and an archived document."""
    from service.archive.wiring import get_archive
    from service.jobs.period_close import start_close
    from service.jobs.period_steps import plan_close
    from storage.archive import DocumentMetadata

    school = snapshot.school.id
    director = create_user(
        f"dir-{tag}", school, [Role.DIRECTOR], staff_id=snapshot.school.director_id
    )
    planned = [d for d in plan_close(snapshot, "Q1") if d.kind == "period-summary"][:2]
    close = start_close(director, snapshot, "Q1", planned, start=False)
    unique = uuid.uuid4().hex[:8].upper()
    document_id = f"VD-I{tag.upper()}{unique[:2]}-{unique[2:6]}-{unique[6:]}01"
    school_class = snapshot.classes[0]
    get_archive().archive(
        _blank_pdf() + tag.encode(),
        DocumentMetadata(
            document_id,
            school=school,
            year=snapshot.year.id,
            class_id=school_class.id,
            period="Q1",
        ),
        "period-summary",
    )
    return {"director": director, "close": close, "job": close.render_job, "doc": document_id}


@pytest.fixture
def two(schools: tuple[Any, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    return school_data(schools[0], "a"), school_data(schools[1], "b")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _russian_refusal(response: Any) -> None:
    text = response.content.decode()
    assert response.status_code in (403, 404), response.status_code
    assert "Доступ запрещён" in text or "Страница не найдена" in text
    assert "Traceback" not in text


@pytest.mark.parametrize("direction", ["a-sees-b", "b-sees-a"])
def test_pages_show_only_the_users_school(
    two: tuple[dict[str, Any], dict[str, Any]], direction: str
) -> None:
    """GIVEN two schools, each with a close, a job and an archived document WHEN a director of
    one opens the dashboard, the period page and the archive search THEN only their own school's
    close, job and document are there."""
    mine, theirs = two if direction == "a-sees-b" else two[::-1]
    client = _client(mine["director"])
    for url in ("/summary/", "/period/"):
        page = client.get(url).content.decode()
        assert str(mine["close"].id) in page, url
        assert str(theirs["close"].id) not in page, url
    search = client.get("/archive/").content.decode()
    assert mine["doc"] in search and theirs["doc"] not in search
    found = client.get("/archive/", {"document": theirs["doc"]}).content.decode()
    assert f"/archive/{theirs['doc']}/" not in found  # the query is echoed in its field, no row


def test_another_schools_close_job_and_document_urls_are_refused(
    two: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """A director of school A typing the addresses of school B's close, job or document gets the
    Russian 403/404 page (or its JSON): nothing of B is shown, changed, cancelled or retried."""
    from service.jobs.models import PeriodClose

    a, b = two
    client = _client(a["director"])
    close, job, doc = b["close"].id, b["job"].id, b["doc"]
    assert client.get(f"/period/{a['close'].id}/").status_code == 200  # the control
    for url in (
        f"/period/{close}/",
        f"/period/{close}/doc/{doc}.pdf",
        f"/archive/{doc}/",
        f"/archive/{doc}/v1.pdf",
    ):
        _russian_refusal(client.get(url))
    for url in (f"/period/{close}/cancel", f"/period/{close}/retry", f"/jobs/{job}/retry"):
        _russian_refusal(client.post(url))
    for url in (f"/period/{close}.json", f"/jobs/{job}.json"):
        assert client.get(url).status_code in (403, 404), url
    assert PeriodClose.objects.get(pk=close).state == PeriodClose.State.RENDERING  # untouched


def test_api_lists_and_reads_only_the_users_school(
    two: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """The JSON API: job and document lists hold only the caller's school; another school's
    job, close and document are 404."""
    a, b = two
    client = _client(a["director"])
    jobs = {j["id"] for j in client.get("/api/jobs").json()}
    assert str(a["job"].id) in jobs and str(b["job"].id) not in jobs
    documents = {d["document_id"] for d in client.get("/api/documents").json()}
    assert a["doc"] in documents and b["doc"] not in documents
    for url in (
        f"/api/jobs/{b['job'].id}",
        f"/api/period-closes/{b['close'].id}",
        f"/api/documents/{b['doc']}",
        f"/api/documents/{b['doc']}/versions/1/pdf",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b["doc"] not in response.content.decode()
    assert client.post(f"/api/jobs/{b['job'].id}/retry").status_code == 404
    assert client.get(f"/api/period-closes/{a['close'].id}").status_code == 200
