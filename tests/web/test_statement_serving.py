"""How the web server makes single statements: one render per process at a time, a warm start."""

from __future__ import annotations

import threading

import pytest
from pypdf import PdfReader

from service.accounts.models import AccessEvent
from service.accounts.roles import Role
from service.accounts.users import create_user
from service.orders.models import StatementIssue

pytestmark = pytest.mark.django_db


def _student(snapshot: object) -> object:
    school_class = next(c for c in snapshot.classes if c.grade >= 5)  # type: ignore[attr-defined]
    return next(
        s
        for s in snapshot.students_of_class[school_class.id]  # type: ignore[attr-defined]
        if not s.left_on
    )


def test_same_statement_asked_at_once_is_rendered_once(
    imported_school: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN no cached statement WHEN three requests in one process ask for it at the same moment
    THEN it is rendered once (the others wait and take it from the cache) and all three get the
    same PDF with the student's name."""
    import io

    from service.web import statements

    student = _student(imported_school)
    cached = statements._cache_file(imported_school, student.id, "Q2")
    assert cached is not None
    cached.unlink(missing_ok=True)
    real_render = statements._render
    renders: list[str] = []

    def counted(*args: object) -> bytes:
        renders.append(str(args[1]))
        return real_render(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(statements, "_render", counted)
    start = threading.Barrier(3)
    results: list[bytes] = []

    def ask() -> None:
        start.wait()
        results.append(statements.student_statement(imported_school, student.id, "Q2"))

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert renders == [student.id]
    assert len(results) == 3 and len(set(results)) == 1
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(results[0])).pages)
    assert student.last_name in text


def test_server_warm_up_renders_but_records_and_caches_nothing(imported_school: object) -> None:
    """GIVEN a school with a user WHEN ``vedomost serve`` warms up before forking THEN the render
    resources are built, and no statement is cached, logged or entered in the register."""
    from django.conf import settings

    from service.cli.web import _warm_up
    from service.documents.render import resources

    create_user(
        "warm-ct",
        imported_school.school.id,  # type: ignore[attr-defined]
        [Role.CLASS_TEACHER],
        staff_id=imported_school.classes[0].teacher_id,  # type: ignore[attr-defined]
    )
    cache = settings.DATA_DIR / "cache" / "statements" / imported_school.snapshot_id[:32]  # type: ignore[attr-defined]
    before = sorted(cache.glob("*")) if cache.is_dir() else []
    resources.cache_clear()
    _warm_up()
    assert resources.cache_info().currsize == 1
    assert (sorted(cache.glob("*")) if cache.is_dir() else []) == before
    assert not AccessEvent.objects.exists()
    assert not StatementIssue.objects.exists()
