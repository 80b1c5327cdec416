"""Every kind of archive fault injected into one store at once: the audit names each one, the
repair fixes each one, and the second audit is clean (no oscillation)."""

from __future__ import annotations

import hashlib
import io
import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.archive import models
from service.archive.catalog import DjangoCatalog
from storage.archive import Archive
from storage.fixity import DAMAGED, METADATA, MISSING, ORPHAN, SHADOWED, audit
from storage.retention import load_schedule
from storage.stores.base import ObjectLock
from storage.stores.file import META_SUFFIX, FileStore
from tests.storage.helpers import doc_bytes, meta

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_archive(tmp_path: Path) -> Archive:
    return Archive(
        FileStore(tmp_path / "a", "A"),
        FileStore(tmp_path / "b", "B"),
        DjangoCatalog(),
        load_schedule(),
    )


def _writable(path: Path) -> Path:
    path.chmod(stat.S_IWUSR | stat.S_IRUSR)
    return path


def _inject_every_fault(archive: Archive) -> dict[str, str]:
    """Archive nine documents and break each differently, all in store B; returns doc → fault."""
    entries = {
        n: archive.archive(doc_bytes(n), meta(f"doc-{n}"), "journal-printout") for n in range(1, 10)
    }
    store_b = archive.stores["B"]
    assert isinstance(store_b, FileStore)
    folder = {n: store_b.root / "objects" / e.key for n, e in entries.items()}
    vb = {n: e.version_b or "" for n, e in entries.items()}
    # 1. the copy's bytes removed
    (folder[1] / vb[1]).unlink()
    # 2. the copy's bytes flipped
    victim = _writable(folder[2] / vb[2])
    raw = bytearray(victim.read_bytes())
    raw[200] ^= 0xFF
    victim.write_bytes(bytes(raw))
    # 3. a forged version planted with an id from the future (sorts after anything written now)
    planted = folder[3] / ("9" * 20 + "ffffffff")
    planted.write_bytes(b"%PDF-1.7 forged")
    (folder[3] / (planted.name + META_SUFFIX)).write_text(
        json.dumps({"metadata": {}, "lock": {}, "size": 15}), "utf-8"
    )
    # 4. the metadata sidecar is garbage
    _writable(folder[4] / (vb[4] + META_SUFFIX)).write_bytes(b"\x00\xff not json")
    # 5. the metadata says another class
    sidecar = folder[5] / (vb[5] + META_SUFFIX)
    data = json.loads(sidecar.read_text("utf-8"))
    data["metadata"]["class"] = "cls-9z"
    sidecar.write_text(json.dumps(data), "utf-8")
    # 6. the catalog row deleted: both copies orphaned
    models.Entry.objects.filter(id=entries[6].id).delete()
    # 7. an older foreign version of a known key (hides nothing, but is no version of ours)
    old = folder[7] / ("0" * 20 + "00000000")
    old.write_bytes(b"%PDF-1.7 stray")
    (folder[7] / (old.name + META_SUFFIX)).write_text(
        json.dumps({"metadata": {}, "lock": {}, "size": 14}), "utf-8"
    )
    # 8. a document only store B has, with its metadata (its row lost before replication)
    lost = archive.object_meta(entries[8]) | {"document-id": "doc-lost", "sha256": ""}
    body = doc_bytes(99)
    lost["sha256"] = hashlib.sha256(body).hexdigest()
    store_b.put(
        "journal-printout/doc-lost/v1",
        io.BytesIO(body),
        len(body),
        lost,
        ObjectLock(None, None, False),
    )
    # 9. the sidecar of the copy deleted (bytes left without metadata)
    (folder[9] / (vb[9] + META_SUFFIX)).unlink()
    return {
        "doc-1": MISSING,
        "doc-2": DAMAGED,
        "doc-3": SHADOWED,
        "doc-4": METADATA,
        "doc-5": METADATA,
        "doc-9": METADATA,
    }


def test_every_fault_in_one_store_is_found_repaired_and_stays_repaired(
    file_archive: Archive,
) -> None:
    """GIVEN nine kinds of damage in store B WHEN audited, repaired, audited again THEN clean."""
    expected = _inject_every_fault(file_archive)

    found = audit(file_archive)
    problems = {f.document_id: f.problem for f in found.findings if f.letter == "B"}
    assert problems == expected
    assert not any(f.repaired for f in found.findings)
    unknown_keys = {u.key for u in found.unknown}
    assert {
        "journal-printout/doc-6/v1",
        "journal-printout/doc-lost/v1",
        "journal-printout/doc-7/v1",
    } <= unknown_keys
    assert not found.clean

    repaired = audit(file_archive, repair=True)
    assert all(f.repaired for f in repaired.findings), repaired.findings
    assert not repaired.unknown, repaired.unknown
    orphans = {f.document_id for f in repaired.findings if f.problem == ORPHAN}
    assert orphans == {"doc-6", "doc-lost"}
    restored = file_archive.catalog.find_document("doc-6")
    assert restored is not None and restored.class_id == "cls-7a"
    assert hashlib.sha256(file_archive.read("doc-6").read()).hexdigest() == restored.sha256

    second = audit(file_archive)
    assert second.clean, second
    third = audit(file_archive)
    assert third.clean, third


def test_cli_audit_exits_non_zero_on_orphans_and_zero_after_repair(
    file_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An orphaned document is a finding with a non-zero exit until `--repair` re-registers it."""
    from service.cli import archive as cli_archive

    entry = file_archive.archive(doc_bytes(1), meta("doc-o"), "journal-printout")
    models.Entry.objects.filter(id=entry.id).delete()
    monkeypatch.setattr(cli_archive, "_archive", lambda: file_archive)
    runner = CliRunner()
    first = runner.invoke(cli_archive.archive_group, ["audit", "--full"])
    assert first.exit_code != 0
    assert "неизвестный объект в хранилище A: journal-printout/doc-o/v1" in first.output
    fixed = runner.invoke(cli_archive.archive_group, ["audit", "--full", "--repair"])
    assert "документ без записи в каталоге, запись восстановлена по метаданным" in fixed.output
    assert fixed.exit_code == 0, fixed.output
    again = runner.invoke(cli_archive.archive_group, ["audit", "--full"])
    assert again.exit_code == 0 and "Нарушений не найдено." in again.output
