"""Catalog backup of the Django catalog, restored into a brand-new empty database."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from service.archive.catalog import DjangoCatalog
from service.archive.dbdump import dump_database, engine_name, restore_postgresql, restore_sqlite
from storage.archive import Archive
from storage.backup import backup_catalog, fetch_backup
from storage.retention import load_schedule
from storage.stores.base import Store
from tests.storage.helpers import doc_bytes, meta


@pytest.fixture
def archive(store_pair: tuple[Store, Store]) -> Archive:
    """An archive over ``store_pair`` with the Django catalog and the default schedule."""
    return Archive(store_pair[0], store_pair[1], DjangoCatalog(), load_schedule())


def _restored_rows(
    dump: Path, tmp_path: Path
) -> list[tuple[str, int, str, str, str | None, str | None]]:
    """Restore ``dump`` into a brand-new empty database and read the catalog rows from it."""
    query = "SELECT document_id, version, sha256, key, version_a, version_b FROM archive_entry"
    if engine_name() == "sqlite":
        target = tmp_path / "restored.sqlite3"
        restore_sqlite(dump, target)
        with sqlite3.connect(target) as conn:
            rows = conn.execute(query).fetchall()
        conn.close()
        return rows
    db = dict(connection.settings_dict)
    name = f"vedomost_restore_{uuid.uuid4().hex[:8]}"
    admin = f"host={db['HOST']} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        restore_postgresql(dump, {**db, "NAME": name})
        with psycopg.connect(admin.replace("dbname=postgres", f"dbname={name}")) as conn:
            rows = conn.execute(query).fetchall()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}"')
    return rows


@pytest.mark.django_db(transaction=True)
def test_backup_goes_to_both_stores_and_restores_into_an_empty_database(
    archive: Archive, tmp_path: Path
) -> None:
    """GIVEN archived documents WHEN the catalog is backed up and restored into an empty database
    THEN every document is found again and both its copies read back with the catalog hash."""
    originals = {f"bk-{i}": doc_bytes(i, 512) for i in range(5)}
    for doc_id, data in originals.items():
        archive.archive(data, meta(doc_id), "period-summary")
    backup = backup_catalog(archive, dump_database, engine=engine_name(), actor="secretary")
    assert backup.kind == "catalog-backup" and backup.version_a and backup.version_b
    for letter in "AB":
        assert (
            archive.stores[letter].head(backup.key, backup.copy_version(letter)).lock.mode
            == "GOVERNANCE"
        )

    dump = tmp_path / "catalog.dump"
    fetch_backup(archive, backup.document_id, dump)
    rows = _restored_rows(dump, tmp_path)
    found = {r[0]: r for r in rows}
    assert set(originals) <= set(found)
    for doc_id, data in originals.items():
        _, _, sha, key, version_a, version_b = found[doc_id]
        assert sha == hashlib.sha256(data).hexdigest()
        for letter, vid in (("A", version_a), ("B", version_b)):
            assert b"".join(archive.stores[letter].iter_chunks(key, vid)) == data
