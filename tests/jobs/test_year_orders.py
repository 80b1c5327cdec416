"""The year close's transfer order when a corrected import changes the council's decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.accounts.snapshots import forget
from tests.fixtures.web import small_school_json

pytestmark = [pytest.mark.django_db(transaction=True)]


def _import(directory: Path, data: dict[str, object], name: str) -> object:
    from service.journal.importer import import_file
    from service.journal.store import latest_snapshot

    path = directory / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    import_file(path)
    forget()
    return latest_snapshot()


def _text(issued: object) -> str:
    from service.orders.files import docx_of
    from service.orders.render import docx_text

    return docx_text(docx_of(issued))  # type: ignore[arg-type]


def _student_name(data: dict, student_id: str) -> str:
    (s,) = [s for s in data["students"] if s["id"] == student_id]  # type: ignore[index]
    return str(s["last_name"])


def test_changed_decisions_rebuild_the_draft_and_an_issued_order_asks_for_an_amendment(
    tmp_path: Path,
) -> None:
    """GIVEN the year's transfer order drafted with № N WHEN a corrected import makes a promoted
    student conditionally promoted THEN the draft is rebuilt with the same number and date (one
    register entry), the earlier DOCX is kept and the history says why; a re-run changes nothing.
    WHEN the order has been signed and archived and the decisions change again THEN it stays as
    issued, no number is taken, and the notice and history ask for an amending order, once."""
    from service.archive.wiring import get_archive
    from service.jobs.year_orders import draft_transfer_order
    from service.orders.files import output_dir
    from service.orders.models import IssuedDocument, RegisterEntry
    from storage.archive import DocumentMetadata

    forget()
    data = json.loads(small_school_json())
    first = _import(tmp_path, data, "v1")
    draft = draft_transfer_order(first, "секретарь")
    issued = IssuedDocument.objects.get(document_id=draft.document_id)
    assert not draft.reused and draft.number
    target = next(d for d in data["decisions"] if d["decision"] == "promoted")
    name = _student_name(data, target["student_id"])
    before = _text(issued)
    assert name in before

    target["decision"] = "conditionally_promoted"
    target["note"] = "математика"
    second = _import(tmp_path, data, "v2")
    rebuilt = draft_transfer_order(second, "секретарь")
    assert (rebuilt.document_id, rebuilt.number, rebuilt.date) == (
        draft.document_id,
        draft.number,
        draft.date,
    )
    assert rebuilt.rebuilt and not rebuilt.reused and not rebuilt.notice
    issued.refresh_from_db()
    after = _text(issued)
    assert after != before and "математика" in after
    assert RegisterEntry.objects.filter(kind="transfer").count() == 1
    assert IssuedDocument.objects.filter(kind="transfer").count() == 1
    (line,) = issued.params["history"]
    assert line["by"] == "секретарь" and line["what"].startswith("проект пересобран")
    kept = output_dir(draft.document_id) / line["file"]
    assert (
        kept.is_file()
        and kept.read_bytes() != (output_dir(draft.document_id) / "document.docx").read_bytes()
    )

    again = draft_transfer_order(second, "секретарь")
    assert again.reused and not again.rebuilt
    issued.refresh_from_db()
    assert len(issued.params["history"]) == 1

    # The director signed the order and it went to the archive: it is no longer a draft.
    get_archive().archive(
        b"%PDF-1.7\nsigned transfer order\n",
        DocumentMetadata(document_id=draft.document_id, school=second.school.id),
        "order-students",
    )
    target["decision"] = "retained"
    target["note"] = ""
    third = _import(tmp_path, data, "v3")
    for _ in range(2):
        notice = draft_transfer_order(third, "секретарь")
        assert notice.reused and not notice.rebuilt
        assert notice.notice.startswith(f"Приказ № {draft.number} от {draft.date:%d.%m.%Y} уже")
        assert "приказ о внесении изменений" in notice.notice
    issued.refresh_from_db()
    assert _text(issued) == after  # the issued order's file is left as signed
    assert RegisterEntry.objects.filter(kind="transfer").count() == 1
    assert len(issued.params["history"]) == 2
    assert "нужен приказ о внесении изменений" in issued.params["history"][1]["what"]

    # The secretary sees the history on the order's page.
    from django.test import Client

    from service.accounts.roles import Role
    from service.accounts.users import create_user

    client = Client()
    client.force_login(create_user("secretary-h", third.school.id, [Role.SECRETARY]))
    page = client.get(f"/orders/{draft.document_id}/").content.decode()
    assert "История" in page and "проект пересобран" in page and "секретарь" in page
