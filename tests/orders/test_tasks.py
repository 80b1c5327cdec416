"""The Celery task is a thin wrapper: a stored snapshot in, files and a register line out.

Runs the task in-process (``Task.apply``, as the embedded default does), with the session's
warm converter; the real-worker path is the jobs area's concern.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from service.journal import snapshot as m
from service.orders.models import RegisterEntry

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]


def test_task_makes_the_document_from_a_stored_snapshot(
    demo_snap: m.Snapshot, orders_converter: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import service.orders.convert as convert
    from service.journal.store import save_snapshot
    from service.orders.pdfa import pdfa_info
    from service.orders.tasks import make_document_task
    from tests.fixtures.orders import SESSION_PORT

    monkeypatch.setenv("VEDOMOST_UNOSERVER_PORT", str(SESSION_PORT))
    monkeypatch.setattr(convert, "_default", None)
    stored = save_snapshot(demo_snap)
    result = make_document_task.apply(
        (stored.snapshot_id, "appoint-responsible", {}),
        {"school_id": demo_snap.school.id, "user": "secretary"},
    ).get()
    files = sorted(Path(result["dir"]).iterdir())
    assert [f.suffix for f in files] == [".docx", ".pdf"]
    assert pdfa_info(files[1].read_bytes()).identifier == result["document_id"]
    assert (
        RegisterEntry.objects.get(number=result["number"]).document.document_id
        == result["document_id"]
    )
    with pytest.raises(PermissionError):
        make_document_task.apply(
            (stored.snapshot_id, "intro-journal", {}), {"school_id": "x"}
        ).get()
