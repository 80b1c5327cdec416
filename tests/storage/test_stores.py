"""The store contract, the same for S3 and FileStore: versions, metadata, locks enforced."""

from __future__ import annotations

import io
import stat
from datetime import UTC, datetime, timedelta

import pytest
from minio.error import S3Error

from storage.errors import ObjectLocked, ObjectMissing, StorageError
from storage.stores.base import ObjectLock, Store
from storage.stores.file import FileStore
from tests.fixtures.seaweed import WeedServer
from tests.fixtures.storage import s3_store


def _put(store: Store, key: str, data: bytes, lock: ObjectLock | None = None) -> str:
    return store.put(
        key, io.BytesIO(data), len(data), {"kind": "control-report"}, lock or ObjectLock()
    )


def test_versions_are_kept_and_read_by_id(store_pair: tuple[Store, Store]) -> None:
    store = store_pair[0]
    v1 = _put(store, "k/doc-1/v1", b"first")
    v2 = _put(store, "k/doc-1/v1", b"second")
    assert v1 != v2
    assert b"".join(store.iter_chunks("k/doc-1/v1", v1)) == b"first"
    assert b"".join(store.iter_chunks("k/doc-1/v1", None)) == b"second"
    versions = [v for v in store.list_versions("k/") if not v.is_delete_marker]
    assert {v.version_id for v in versions} == {v1, v2}
    assert [v.version_id for v in versions if v.is_latest] == [v2]
    assert store.head("k/doc-1/v1", v1).metadata["kind"] == "control-report"
    with pytest.raises(ObjectMissing):
        store.head("k/absent/v1", None)


def test_locked_and_held_versions_refuse_deletion_unlocked_ones_go(
    store_pair: tuple[Store, Store],
) -> None:
    store = store_pair[0]
    until = datetime.now(UTC) + timedelta(days=1)
    locked = _put(store, "k/locked/v1", b"x", ObjectLock("COMPLIANCE", until))
    held = _put(store, "k/held/v1", b"y", ObjectLock(None, None, True))
    free = _put(store, "k/free/v1", b"z")
    with pytest.raises(ObjectLocked):
        store.delete_version("k/locked/v1", locked)
    with pytest.raises(ObjectLocked):
        store.delete_version("k/held/v1", held)
    with pytest.raises(ObjectLocked):
        store.set_retention("k/locked/v1", locked, "COMPLIANCE", until - timedelta(hours=2))
    store.set_retention("k/locked/v1", locked, "COMPLIANCE", until + timedelta(days=1))
    longer = store.head("k/locked/v1", locked).lock.retain_until
    assert longer is not None and abs(longer - (until + timedelta(days=1))) < timedelta(seconds=1)
    store.set_legal_hold("k/held/v1", held, False)
    store.delete_version("k/held/v1", held)
    store.delete_version("k/free/v1", free)
    with pytest.raises(ObjectMissing):
        store.head("k/free/v1", free)


def test_unsafe_keys_are_refused(store_pair: tuple[Store, Store]) -> None:
    for key in ("../escape", "a//b", "/abs", "Иванов/v1", "a/./b"):
        with pytest.raises(ValueError):
            _put(store_pair[0], key, b"x")


def test_file_store_files_are_read_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = FileStore(tmp_path / "s", "A")
    vid = _put(store, "k/doc/v1", b"data")
    mode = (tmp_path / "s" / "objects" / "k" / "doc" / "v1" / vid).stat().st_mode
    assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert not list((tmp_path / "s" / "tmp").iterdir())


@pytest.mark.s3
def test_existing_bucket_without_versioning_is_refused(
    seaweed_pair: tuple[WeedServer, WeedServer],
) -> None:
    server = seaweed_pair[0]
    client = server.client()
    try:
        client.make_bucket("plain-no-lock")
    except S3Error as exc:  # a slow answer made the client retry; the bucket is ours
        assert exc.code == "BucketAlreadyOwnedByYou", exc
    with pytest.raises(StorageError, match="версионирование"):
        s3_store(server, "plain-no-lock", "A").ensure_ready()
