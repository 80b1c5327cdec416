"""The store protocol shared by :class:`S3Store` and :class:`FileStore`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO, Literal, Protocol

LockMode = Literal["COMPLIANCE", "GOVERNANCE"]
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ObjectLock:
    """Object-lock settings for one object version: retention mode and date, legal hold."""

    mode: LockMode | None = None
    retain_until: datetime | None = None
    legal_hold: bool = False

    def blocks_deletion(self, now: datetime) -> bool:
        """True while the retention date is in the future or a legal hold is on."""
        return self.legal_hold or (self.retain_until is not None and self.retain_until > now)


@dataclass(frozen=True)
class ObjectVersion:
    """One stored version of an object as the store reports it."""

    key: str
    version_id: str
    size: int
    is_latest: bool = False
    is_delete_marker: bool = False
    metadata: Mapping[str, str] = field(default_factory=dict)
    lock: ObjectLock = ObjectLock()


class Store(Protocol):
    """A versioned object store with object lock; every call names an explicit version."""

    name: str

    def identity(self) -> str:
        """A string equal for two configurations that point at the same place."""
        ...

    def ensure_ready(self) -> None:
        """Create the bucket/directory with versioning and object lock if needed."""
        ...

    def put(
        self, key: str, stream: BinaryIO, size: int, metadata: Mapping[str, str], lock: ObjectLock
    ) -> str:
        """Write a new version of ``key`` from ``stream`` and return its version id."""
        ...

    def iter_chunks(
        self, key: str, version_id: str | None, chunk_size: int = CHUNK
    ) -> Iterator[bytes]:
        """Stream the bytes of one version (``None``: the latest)."""
        ...

    def head(self, key: str, version_id: str | None) -> ObjectVersion:
        """Metadata and lock of one version (``None``: the latest); raises ObjectMissing."""
        ...

    def list_versions(self, prefix: str = "") -> Iterator[ObjectVersion]:
        """Every version (and delete marker) under ``prefix``."""
        ...

    def delete_version(self, key: str, version_id: str) -> None:
        """Delete one version; raises ObjectLocked while it is under retention or legal hold."""
        ...

    def set_retention(self, key: str, version_id: str, mode: LockMode, until: datetime) -> None:
        """Set or lengthen the retention of one version."""
        ...

    def set_legal_hold(self, key: str, version_id: str, on: bool) -> None:
        """Turn the legal hold of one version on or off."""
        ...
