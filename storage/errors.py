"""Errors raised by the archive library (messages are Russian: they may reach the user)."""

from __future__ import annotations


class StorageError(Exception):
    """Base class of every archive error."""


class StoreUnavailable(StorageError):
    """A store cannot be reached (connection refused, timeout, server error)."""

    def __init__(self, store: str, detail: str) -> None:
        self.store = store
        self.detail = detail
        super().__init__(f"хранилище {store} недоступно: {detail}")


class ObjectMissing(StorageError):
    """The requested object version does not exist in the store."""

    def __init__(self, store: str, key: str, version_id: str | None) -> None:
        self.store, self.key, self.version_id = store, key, version_id
        super().__init__(
            f"в хранилище {store} нет объекта {key} (версия {version_id or 'последняя'})"
        )


class DamagedMetadata(StorageError):
    """The metadata kept beside an object version cannot be read."""

    def __init__(self, store: str, key: str, version_id: str | None, detail: str) -> None:
        self.store, self.key, self.version_id = store, key, version_id
        super().__init__(
            f"метаданные объекта {key} (версия {version_id}) в хранилище {store} "
            f"повреждены: {detail}"
        )


class ObjectLocked(StorageError):
    """Deleting or shortening the lock of an object is refused (retention or legal hold)."""

    def __init__(self, store: str, key: str, version_id: str | None, detail: str = "") -> None:
        self.store, self.key, self.version_id = store, key, version_id
        text = f"объект {key} (версия {version_id}) в хранилище {store} защищён от удаления"
        super().__init__(text + (f": {detail}" if detail else ""))


class BothStoresDown(StorageError):
    """Neither store accepted the document; nothing was recorded as archived."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"оба хранилища недоступны, документ не сохранён: {detail}")


class ReadBackMismatch(StorageError):
    """A copy read back after writing does not match the document's SHA-256."""


class DocumentExists(StorageError):
    """A document with this id is already archived with different content: use a correction."""


class DocumentNotFound(StorageError):
    """The catalog knows no such document or version."""


class BothCopiesBad(StorageError):
    """Fixity audit: both copies of a document are missing or damaged — nothing to repair from."""
