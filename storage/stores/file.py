"""``FileStore``: a versioned, write-once local-directory store (the embedded default).

Layout: ``ROOT/objects/<key>/<version_id>`` holds the bytes (read-only, written through a temporary
file and an atomic rename) and ``<version_id>.meta.json`` the metadata and lock. Version ids sort in
time order. Retention and legal hold are recorded and enforced by refusing deletion.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from storage.errors import DamagedMetadata, ObjectLocked, ObjectMissing, StoreUnavailable
from storage.stores.base import CHUNK, LockMode, ObjectLock, ObjectVersion
from storage.stores.keys import check_key

META_SUFFIX = ".meta.json"


def _lock_to_json(lock: ObjectLock) -> dict[str, Any]:
    return {
        "mode": lock.mode,
        "retain_until": lock.retain_until.isoformat() if lock.retain_until else None,
        "legal_hold": lock.legal_hold,
    }


def _lock_from_json(data: Mapping[str, Any]) -> ObjectLock:
    until = data.get("retain_until")
    return ObjectLock(
        mode=data.get("mode"),
        retain_until=datetime.fromisoformat(until) if until else None,
        legal_hold=bool(data.get("legal_hold")),
    )


class FileStore:
    """A store on a local directory that keeps the promises object lock makes where it can."""

    def __init__(self, root: Path, name: str = "file") -> None:
        self.root = Path(root).resolve()
        self.name = name
        self._objects = self.root / "objects"
        self._tmp = self.root / "tmp"

    def identity(self) -> str:
        """The resolved directory."""
        return f"file://{self.root}"

    def ensure_ready(self) -> None:
        """Create the directories."""
        try:
            self._objects.mkdir(parents=True, exist_ok=True)
            self._tmp.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(self.name, str(exc)) from exc

    def _dir(self, key: str) -> Path:
        return self._objects / check_key(key)

    def _write_meta(self, path: Path, meta: Mapping[str, Any]) -> None:
        tmp = self._tmp / f"{secrets.token_hex(8)}.meta"
        tmp.write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    def _read_meta(self, key: str, version_id: str) -> dict[str, Any]:
        path = self._dir(key) / (version_id + META_SUFFIX)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ObjectMissing(self.name, key, version_id) from None
        except (ValueError, OSError) as exc:  # garbage, invalid UTF-8, unreadable
            raise DamagedMetadata(self.name, key, version_id, type(exc).__name__) from None
        if not isinstance(data, dict) or not isinstance(data.get("metadata", {}), dict):
            raise DamagedMetadata(self.name, key, version_id, "не объект JSON")
        return data

    def put(
        self, key: str, stream: BinaryIO, size: int, metadata: Mapping[str, str], lock: ObjectLock
    ) -> str:
        """Write a new read-only version through a temporary file and an atomic rename."""
        self.ensure_ready()
        directory = self._dir(key)
        version_id = f"{time.time_ns():020d}{secrets.token_hex(4)}"
        existing = self._version_ids(directory)
        if existing and existing[-1] >= version_id:
            # A version planted with an id from the future must not stay the latest: the new
            # one is named to sort after it (a prefix sorts before its extensions).
            version_id = existing[-1][:180] + "~" + version_id
        try:
            directory.mkdir(parents=True, exist_ok=True)
            tmp = self._tmp / f"{version_id}.part"
            written = 0
            with open(tmp, "wb") as out:
                while chunk := stream.read(CHUNK):
                    out.write(chunk)
                    written += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            if written != size:
                tmp.unlink()
                raise ValueError(f"ожидалось {size} байт, получено {written}")
            tmp.chmod(0o444)
            self._write_meta(
                directory / (version_id + META_SUFFIX),
                {"metadata": dict(metadata), "lock": _lock_to_json(lock), "size": size},
            )
            os.replace(tmp, directory / version_id)
        except OSError as exc:
            raise StoreUnavailable(self.name, str(exc)) from exc
        return version_id

    def _latest_id(self, key: str) -> str:
        versions = self._version_ids(self._dir(key))
        if not versions:
            raise ObjectMissing(self.name, key, None)
        return versions[-1]

    @staticmethod
    def _version_ids(directory: Path) -> list[str]:
        try:
            names = os.listdir(directory)
        except FileNotFoundError:
            return []
        return sorted(n for n in names if not n.endswith(META_SUFFIX) and (directory / n).is_file())

    def iter_chunks(
        self, key: str, version_id: str | None, chunk_size: int = CHUNK
    ) -> Iterator[bytes]:
        """Stream one version's bytes."""
        vid = version_id or self._latest_id(key)
        try:
            handle = open(self._dir(key) / vid, "rb")
        except FileNotFoundError:
            raise ObjectMissing(self.name, key, vid) from None
        try:
            while chunk := handle.read(chunk_size):
                yield chunk
        finally:
            handle.close()

    def head(self, key: str, version_id: str | None) -> ObjectVersion:
        """Metadata and lock of one version."""
        vid = version_id or self._latest_id(key)
        data_path = self._dir(key) / vid
        if not data_path.is_file():
            raise ObjectMissing(self.name, key, vid)
        meta = self._read_meta(key, vid)
        latest = self._version_ids(self._dir(key))
        return ObjectVersion(
            key=key,
            version_id=vid,
            size=data_path.stat().st_size,
            is_latest=bool(latest) and latest[-1] == vid,
            metadata=meta.get("metadata", {}),
            lock=_lock_from_json(meta.get("lock", {})),
        )

    def list_versions(self, prefix: str = "") -> Iterator[ObjectVersion]:
        """Every stored version under ``prefix``."""
        if not self._objects.is_dir():
            return
        for dirpath, _dirs, _files in os.walk(self._objects):
            directory = Path(dirpath)
            versions = self._version_ids(directory)
            if not versions:
                continue
            key = directory.relative_to(self._objects).as_posix()
            if not key.startswith(prefix):
                continue
            for vid in versions:
                size = (directory / vid).stat().st_size
                yield ObjectVersion(
                    key=key, version_id=vid, size=size, is_latest=vid == versions[-1]
                )

    def delete_version(self, key: str, version_id: str) -> None:
        """Delete one version unless its retention or legal hold forbids it."""
        lock = _lock_from_json(self._read_meta(key, version_id).get("lock", {}))
        if lock.blocks_deletion(datetime.now(UTC)):
            raise ObjectLocked(self.name, key, version_id)
        directory = self._dir(key)
        (directory / version_id).unlink(missing_ok=True)
        (directory / (version_id + META_SUFFIX)).unlink(missing_ok=True)

    def set_retention(self, key: str, version_id: str, mode: LockMode, until: datetime) -> None:
        """Set or lengthen retention; shortening a COMPLIANCE lock is refused."""
        meta = self._read_meta(key, version_id)
        lock = _lock_from_json(meta.get("lock", {}))
        now = datetime.now(UTC)
        if lock.mode == "COMPLIANCE" and lock.retain_until and lock.retain_until > now:
            if until < lock.retain_until or mode != "COMPLIANCE":
                raise ObjectLocked(self.name, key, version_id, "срок COMPLIANCE нельзя сократить")
        meta["lock"] = _lock_to_json(ObjectLock(mode, until, lock.legal_hold))
        self._write_meta(self._dir(key) / (version_id + META_SUFFIX), meta)

    def set_legal_hold(self, key: str, version_id: str, on: bool) -> None:
        """Turn the legal hold of one version on or off."""
        meta = self._read_meta(key, version_id)
        lock = _lock_from_json(meta.get("lock", {}))
        meta["lock"] = _lock_to_json(ObjectLock(lock.mode, lock.retain_until, on))
        self._write_meta(self._dir(key) / (version_id + META_SUFFIX), meta)
