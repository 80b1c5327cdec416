"""``S3Store``: an S3 bucket with versioning and object lock, through the ``minio`` client."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, BinaryIO, NoReturn
from urllib.parse import quote, unquote

import urllib3
from minio import Minio
from minio.commonconfig import COMPLIANCE, GOVERNANCE
from minio.error import MinioException, S3Error, ServerError
from minio.retention import Retention
from urllib3.exceptions import HTTPError as Urllib3Error

from storage.errors import ObjectLocked, ObjectMissing, StorageError, StoreUnavailable
from storage.stores.base import CHUNK, LockMode, ObjectLock, ObjectVersion
from storage.stores.keys import check_key

META_PREFIX = "x-amz-meta-"
_MISSING_CODES = {
    "NoSuchKey",
    "NoSuchVersion",
    "NoSuchObject",
    "MethodNotAllowed",
    "ResourceNotFound",
}
_LOCKED_CODES = {"AccessDenied", "ObjectLocked", "InvalidRequest"}
PART_SIZE = 16 * 1024 * 1024


def _http_client(connect_timeout: float, read_timeout: float) -> urllib3.PoolManager:
    # Few quick retries: a store that is down must be noticed in seconds, not minutes.
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        maxsize=32,
        retries=urllib3.Retry(total=2, backoff_factor=0.1, status_forcelist=[500, 502, 503, 504]),
    )


class S3Store:
    """One bucket on an S3 endpoint with object lock (MinIO, SeaweedFS, any S3 with object lock)."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        *,
        region: str = "us-east-1",
        secure: bool = True,
        name: str = "s3",
        connect_timeout: float = 3.0,
        read_timeout: float = 60.0,
    ) -> None:
        self.endpoint = endpoint
        self.bucket = bucket
        self.region = region
        self.secure = secure
        self.name = name
        self.client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=_http_client(connect_timeout, read_timeout),
        )
        self._ready = False

    def identity(self) -> str:
        """Endpoint and bucket (lower-cased host)."""
        return f"s3://{self.endpoint.lower()}/{self.bucket}"

    def _fail(self, exc: Exception, key: str = "", version_id: str | None = None) -> NoReturn:
        if isinstance(exc, S3Error):
            if exc.code in _MISSING_CODES:
                raise ObjectMissing(self.name, key, version_id) from exc
            raise StorageError(f"хранилище {self.name}: {exc.code}: {exc.message}") from exc
        if isinstance(exc, ServerError):
            raise StoreUnavailable(self.name, f"ошибка сервера {exc.status_code}") from exc
        raise StoreUnavailable(self.name, type(exc).__name__) from exc

    def _make_bucket(self) -> None:
        """Create the bucket with object lock; a retried request that finds it made is success."""
        try:
            self.client.make_bucket(self.bucket, object_lock=True)
        except S3Error as exc:
            # A slow answer makes the client retry, and the retry finds our own bucket; whether it
            # has versioning and object lock is checked next, as for any existing bucket.
            if exc.code != "BucketAlreadyOwnedByYou":
                raise

    def ensure_ready(self) -> None:
        """Create the bucket with object lock (which turns versioning on) if it does not exist."""
        if self._ready:
            return
        try:
            if not self.client.bucket_exists(self.bucket):
                self._make_bucket()
            status = self.client.get_bucket_versioning(self.bucket).status
        except (MinioException, Urllib3Error, OSError) as exc:
            self._fail(exc)
        if status != "Enabled":
            raise StorageError(
                f"в хранилище {self.name} у корзины {self.bucket} не включено версионирование "
                "и блокировка объектов; создайте корзину с object lock"
            )
        self._ready = True

    def put(
        self, key: str, stream: BinaryIO, size: int, metadata: Mapping[str, str], lock: ObjectLock
    ) -> str:
        """Write a new version with metadata (percent-encoded), retention and legal hold."""
        self.ensure_ready()
        headers: dict[str, Any] = {META_PREFIX + k: quote(v, safe="") for k, v in metadata.items()}
        retention = None
        if lock.mode and lock.retain_until and lock.retain_until > datetime.now(UTC):
            retention = Retention(
                COMPLIANCE if lock.mode == "COMPLIANCE" else GOVERNANCE, lock.retain_until
            )
        try:
            result = self.client.put_object(
                self.bucket,
                check_key(key),
                stream,
                size,
                metadata=headers,
                retention=retention,
                legal_hold=lock.legal_hold,
                part_size=PART_SIZE,
            )
        except (MinioException, Urllib3Error, OSError) as exc:
            self._fail(exc, key)
        if not result.version_id:
            raise StorageError(
                f"хранилище {self.name} не вернуло номер версии: включите версионирование"
            )
        return str(result.version_id)

    def iter_chunks(
        self, key: str, version_id: str | None, chunk_size: int = CHUNK
    ) -> Iterator[bytes]:
        """Stream one version's bytes."""
        try:
            response = self.client.get_object(self.bucket, key, version_id=version_id)
        except (MinioException, Urllib3Error, OSError) as exc:
            self._fail(exc, key, version_id)
        try:
            yield from response.stream(chunk_size)
        except (Urllib3Error, OSError) as exc:
            self._fail(exc, key, version_id)
        finally:
            response.close()
            response.release_conn()

    def head(self, key: str, version_id: str | None) -> ObjectVersion:
        """Metadata and lock of one version."""
        try:
            stat = self.client.stat_object(self.bucket, key, version_id=version_id)
        except (MinioException, Urllib3Error, OSError) as exc:
            self._fail(exc, key, version_id)
        headers = stat.metadata or {}
        meta: dict[str, str] = {}
        mode = until = None
        hold = False
        for name, value in headers.items():
            lower = name.lower()
            if lower.startswith(META_PREFIX):
                meta[lower[len(META_PREFIX) :]] = unquote(value)
            elif lower == "x-amz-object-lock-mode":
                mode = value.upper()
            elif lower == "x-amz-object-lock-retain-until-date":
                until = datetime.fromisoformat(value.replace("Z", "+00:00"))
            elif lower == "x-amz-object-lock-legal-hold":
                hold = value.upper() == "ON"
        return ObjectVersion(
            key=key,
            version_id=str(stat.version_id or version_id or ""),
            size=int(stat.size or 0),
            is_latest=version_id is None,
            metadata=meta,
            lock=ObjectLock(mode if mode in ("COMPLIANCE", "GOVERNANCE") else None, until, hold),  # type: ignore[arg-type]
        )

    def list_versions(self, prefix: str = "") -> Iterator[ObjectVersion]:
        """Every version and delete marker under ``prefix``."""
        try:
            for obj in self.client.list_objects(
                self.bucket, prefix=prefix, recursive=True, include_version=True
            ):
                yield ObjectVersion(
                    key=str(obj.object_name),
                    version_id=str(obj.version_id),
                    size=int(obj.size or 0),
                    is_latest=str(obj.is_latest).lower() == "true",
                    is_delete_marker=bool(obj.is_delete_marker),
                )
        except (MinioException, Urllib3Error, OSError) as exc:
            self._fail(exc)

    def delete_version(self, key: str, version_id: str) -> None:
        """Delete one version; the server refuses while it is locked."""
        try:
            self.client.remove_object(self.bucket, key, version_id=version_id)
        except S3Error as exc:
            if exc.code in _LOCKED_CODES:
                raise ObjectLocked(self.name, key, version_id, str(exc.code)) from exc
            self._fail(exc, key, version_id)
        except (MinioException, Urllib3Error, OSError) as exc:
            self._fail(exc, key, version_id)

    def set_retention(self, key: str, version_id: str, mode: LockMode, until: datetime) -> None:
        """Set or lengthen retention; the server refuses to shorten a COMPLIANCE lock."""
        retention = Retention(COMPLIANCE if mode == "COMPLIANCE" else GOVERNANCE, until)
        try:
            self.client.set_object_retention(self.bucket, key, retention, version_id=version_id)
        except S3Error as exc:
            if exc.code in _LOCKED_CODES:
                raise ObjectLocked(self.name, key, version_id, str(exc.code)) from exc
            self._fail(exc, key, version_id)
        except (MinioException, Urllib3Error, OSError) as exc:
            self._fail(exc, key, version_id)

    def set_legal_hold(self, key: str, version_id: str, on: bool) -> None:
        """Turn the legal hold of one version on or off."""
        try:
            if on:
                self.client.enable_object_legal_hold(self.bucket, key, version_id=version_id)
            else:
                self.client.disable_object_legal_hold(self.bucket, key, version_id=version_id)
        except (MinioException, Urllib3Error, OSError) as exc:
            self._fail(exc, key, version_id)
