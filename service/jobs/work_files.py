"""A close's work files (rendered and signed PDFs) in the shared work store, by key.

Workers on any host, the web process (previews) and the process that signs all read and write
here (``VEDOMOST_WORK_STORE``, see :func:`service.config.work_store_config`), never a local
directory. Keys: ``work/closes/<close id>/<stage>/<document id>.pdf`` (stage: rendered, teacher,
signed). A close's files are deleted when it is archived (the archive then holds every
document); an unfinished close keeps them so that it can be continued.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings

from service.config import work_store_config
from service.jobs.steps import StepError
from storage.errors import ObjectMissing, StorageError
from storage.workspace import WorkFiles

log = logging.getLogger(__name__)

RENDERED = "rendered"
TEACHER = "teacher"
"""Signed by the class teacher, waiting for the director's signature."""
SIGNED = "signed"

_cache: dict[str, WorkFiles] = {}
_lock = threading.Lock()


def work_files() -> WorkFiles:
    """The work store of this configuration (one client per process and configuration)."""
    config = work_store_config(Path(settings.DATA_DIR))
    with _lock:
        found = _cache.get(repr(config) + config.identity())
        if found is None:
            store = config.build("work")
            found = _cache[repr(config) + config.identity()] = WorkFiles(store)
        return found


def file_key(close_id: object, stage: str, document_id: str) -> str:
    """The key of one work file of a close."""
    return work_files().key("closes", str(close_id), stage, f"{document_id}.pdf")


class WorkStoreDown(StepError):
    """The work store could not be read or written (a Russian message with what to do)."""

    def __init__(self, problem: object) -> None:
        super().__init__(
            f"Хранилище рабочих файлов закрытия недоступно ({problem}): проверьте его сервер или "
            "каталог (переменная VEDOMOST_WORK_STORE) и нажмите «Повторить»."
        )


def put(close_id: object, stage: str, document_id: str, data: bytes) -> None:
    """Write one work file (the whole file, or nothing, under its key)."""
    try:
        work_files().put(file_key(close_id, stage, document_id), data, {"close": str(close_id)})
    except StorageError as exc:
        raise WorkStoreDown(exc) from exc


def read(close_id: object, stage: str, document_id: str) -> bytes | None:
    """One work file's bytes, or ``None`` when it is not there."""
    try:
        return work_files().get(file_key(close_id, stage, document_id))
    except ObjectMissing:
        return None
    except StorageError as exc:
        raise WorkStoreDown(exc) from exc


def exists(close_id: object, stage: str, document_id: str) -> bool:
    """Whether one work file is there."""
    try:
        return work_files().exists(file_key(close_id, stage, document_id))
    except StorageError as exc:
        raise WorkStoreDown(exc) from exc


def remove(close_id: object) -> int:
    """Delete a close's work files (after archiving); a store error is logged, not raised."""
    files = work_files()
    try:
        return files.remove(files.key("closes", str(close_id)))
    except StorageError as exc:
        log.warning("work files of close %s not removed: %s", close_id, exc)
        return 0
