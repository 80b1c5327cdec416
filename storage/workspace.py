"""Work files of running jobs (rendered and signed PDFs of a close) in an object store, by key.

Every process that takes part in a job — a worker on any host, the web process showing a
preview, the process that signs — reads and writes the same files here, so nothing a job needs
lives on one host's disk. The store is any :class:`~storage.stores.base.Store` (an S3 bucket of
its own, or a directory on the embedded default); work files carry no lock.

Contracts:
- ``put(key, data)``: the bytes under ``key`` as a new version; a reader sees either the previous
  version or the whole new one, never a part (an S3 put and the directory store's rename are
  atomic). Returns the version id.
- ``get(key)``: the latest version's bytes; :class:`~storage.errors.ObjectMissing` when none.
- ``remove(prefix)``: every version under ``prefix`` deleted (a finished close's files).
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from storage.errors import ObjectMissing
from storage.stores.base import ObjectLock, Store
from storage.stores.keys import check_key, key_id

NO_LOCK = ObjectLock()


class WorkFiles:
    """Work files in ``store`` under ``prefix`` (keys are ``prefix/<key>``)."""

    def __init__(self, store: Store, prefix: str = "work") -> None:
        self.store = store
        self.prefix = check_key(prefix)

    def key(self, *parts: str) -> str:
        """The object key of a work file: each part made safe (ids may hold Cyrillic or ``|``)."""
        return check_key("/".join([self.prefix, *(key_id(p) for p in parts)]))

    def put(self, key: str, data: bytes, metadata: Mapping[str, str] | None = None) -> str:
        """Write ``data`` under ``key`` (a full object or nothing); return the version id."""
        return self.store.put(key, io.BytesIO(data), len(data), dict(metadata or {}), NO_LOCK)

    def get(self, key: str) -> bytes:
        """The latest bytes under ``key``; raises :class:`ObjectMissing` when there are none."""
        return b"".join(self.store.iter_chunks(key, None))

    def exists(self, key: str) -> bool:
        """Whether ``key`` holds a file."""
        try:
            self.store.head(key, None)
        except ObjectMissing:
            return False
        return True

    def remove(self, prefix: str) -> int:
        """Delete every version under ``prefix`` (a folder: ``prefix/…``); return how many."""
        folder = check_key(prefix).rstrip("/") + "/"
        removed = 0
        for version in list(self.store.list_versions(folder)):
            try:
                self.store.delete_version(version.key, version.version_id)
            except ObjectMissing:
                continue
            removed += 1
        return removed
