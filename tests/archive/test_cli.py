"""``vedomost archive …`` end to end on file stores (the Django catalog, real files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.archive import models
from service.cli import main as cli_main
from storage.catalog import EntryFilter


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: None):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VEDOMOST_STORE_A", f"file://{tmp_path}/a")
    monkeypatch.setenv("VEDOMOST_STORE_B", f"file://{tmp_path}/b")
    cli_main._register()
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli_main.cli, ["archive", *args], catch_exceptions=False)

    return invoke


def test_put_get_ls_status_audit_and_log(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "print.pdf"
    source.write_bytes(b"%PDF-1.7 journal printout")
    result = run(
        "put",
        str(source),
        "--kind",
        "journal-printout",
        "--meta",
        "document_id=jp-1",
        "--meta",
        "year=2025/2026",
        "--meta",
        "class=cls-5a",
        "--json",
    )
    assert result.exit_code == 0, result.output
    entry = json.loads(result.output)
    assert (entry["document_id"], entry["state"], entry["class_id"]) == (
        "jp-1",
        "archived",
        "cls-5a",
    )

    fixed = tmp_path / "print-2.pdf"
    fixed.write_bytes(b"%PDF-1.7 journal printout, corrected")
    result = run(
        "put",
        str(fixed),
        "--kind",
        "journal-printout",
        "--meta",
        "document_id=jp-1",
        "--reason",
        "исправлена тема урока",
        "--author",
        "staff-2",
    )
    assert result.exit_code == 0 and "версия 2" in result.output

    out = tmp_path / "out.pdf"
    assert run("get", "jp-1", "--version", "1", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == source.read_bytes()
    listing = json.loads(run("ls", "--kind", "journal-printout", "--json").output)
    assert [e["version"] for e in listing] == [1, 2]
    assert run("audit", "--full").exit_code == 0
    status = json.loads(run("status", "--json").output)
    assert status["counts"] == {"archived": 2} and status["last_audit"]["checked"] == 2
    assert "Журнал цел" in run("log", "verify").output

    models.AuditEvent.objects.filter(seq=1).update(actor="forged")
    broken = run("log", "verify")
    assert broken.exit_code == 1 and "№1" in broken.output


def test_invalid_input_exits_2_with_a_russian_message(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "x.pdf"
    source.write_bytes(b"x")
    result = run("put", str(source), "--kind", "no-such-kind")
    assert result.exit_code == 2 and "нет вида документа" in result.output
    assert run("put", str(source), "--kind", "control-report", "--meta", "oops").exit_code == 2
    missing = run("get", "missing-doc", "-o", str(tmp_path / "o"))
    assert missing.exit_code == 4 and "missing-doc" in missing.output  # not found


def test_same_store_twice_is_refused_naming_the_variables(run, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VEDOMOST_STORE_B", f"file://{tmp_path}/a")
    result = run("status")
    assert result.exit_code == 3 and "VEDOMOST_STORE_A, VEDOMOST_STORE_B" in result.output


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_emptied_catalog_finds_the_document(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VEDOMOST_STORE_A", f"file://{tmp_path}/a")
    monkeypatch.setenv("VEDOMOST_STORE_B", f"file://{tmp_path}/b")
    cli_main._register()
    runner = CliRunner()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli_main.cli, ["archive", *args], catch_exceptions=False)

    source = tmp_path / "order.pdf"
    source.write_bytes(b"%PDF-1.7 order")
    assert (
        run("put", str(source), "--kind", "order-main", "--meta", "document_id=ord-7").exit_code
        == 0
    )
    assert run("backup").exit_code == 0
    from service.archive.wiring import get_archive
    from storage.backup import fetch_backup

    archive = get_archive()
    (backup,) = archive.catalog.list_entries(EntryFilter(kind="catalog-backup"))
    backup_id = backup.document_id
    dump = tmp_path / "catalog.dump"
    fetch_backup(get_archive(), backup_id, dump)
    refused = run("restore", str(dump))
    assert refused.exit_code == 4 and "не пуст" in refused.output  # conflict
    for model in (models.AuditEvent, models.ChainHead, models.StateValue, models.Entry):
        model.objects.all().delete()
    assert json.loads(run("ls", "--json").output) == []

    result = run("restore", str(dump))
    assert result.exit_code == 0, result.output
    listing = json.loads(run("ls", "--json").output)
    assert "ord-7" in [e["document_id"] for e in listing]
    out = tmp_path / "back.pdf"
    assert run("get", "ord-7", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == source.read_bytes()
    assert "Журнал цел" in run("log", "verify").output
    assert [e.kind for e in archive.catalog.iter_events()][-2:] == ["restore", "access"]
