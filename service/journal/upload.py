"""Importing an uploaded journal export: the one path the web page and the API share.

Contract of :func:`import_upload`:

- input: the uploaded bytes (in chunks), the name the user gave it, the user's school, the user;
- output: the :class:`~service.journal.store.ImportResult` of the import, and an access-log row;
- on failure: :class:`UploadRefused` (too large, unsupported type), :class:`InvalidInput` (every
  problem found, named with the user's file name) or :class:`ForeignExport` (the export belongs to
  another school); the import runs in one transaction, so nothing of a failed upload is kept.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from django.db import transaction

from service.errors import UserError
from service.journal.errors import InvalidInput
from service.journal.store import ImportResult

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
SUPPORTED_SUFFIXES = (".json", ".gz", ".xlsx", ".csv", ".zip")


class Upload(Protocol):
    """What the import needs of an uploaded file (Django's ``UploadedFile`` has it)."""

    size: int | None

    def chunks(self) -> Iterable[bytes]:
        """The content, piece by piece."""
        ...


class UploadRefused(UserError):
    """The upload is not read at all: too large or of a type no adapter reads (Russian text)."""


class ForeignExport(Exception):
    """The export belongs to another school than the user's; nothing of it is kept."""

    def __init__(self, school_id: str) -> None:
        self.school_id = school_id
        super().__init__(school_id)


def import_upload(upload: Upload, name: str, school_id: str, user: object) -> ImportResult:
    """Import one uploaded export for ``user`` of ``school_id``, all or nothing.

    Args:
        upload: the uploaded file.
        name: its name as the user knows it; only the last path part is used.
        school_id: the user's school: an export of another school is refused.
        user: who uploaded it, for the access log.

    Raises:
        UploadRefused: too large or not a supported type.
        InvalidInput: the content cannot be imported; problems name the file as ``name``.
        ForeignExport: the export is of another school.
    """
    from service.accounts.access_log import Access, record_access
    from service.accounts.snapshots import forget
    from service.journal.importer import import_file

    name = Path(name).name or "upload.json"
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"Файл слишком большой (больше {MAX_UPLOAD_BYTES // 2**20} МБ).")
    if not name.lower().endswith(SUPPORTED_SUFFIXES):
        raise UploadRefused("Поддерживаются файлы .json, .json.gz, .xlsx, .csv и .zip.")
    with tempfile.TemporaryDirectory(prefix="vedomost-import-") as tmp:
        path = Path(tmp) / f"upload{_suffix(name)}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            with transaction.atomic():
                result = import_file(path)
                if result.school_id != school_id:
                    raise ForeignExport(result.school_id)  # rolls the import back
        except InvalidInput as exc:
            problems = [replace(p, file=name) if p.file == path.name else p for p in exc.problems]
            raise InvalidInput(problems, exc.truncated) from None
    forget()
    record_access(user, Access.IMPORT, "snapshot", result.snapshot_id, name)
    return result


def _suffix(name: str) -> str:
    """The supported suffix ``name`` ends with (``.json.gz`` for a compressed export)."""
    lowered = name.lower()
    return next(s for s in (".json.gz", *SUPPORTED_SUFFIXES) if lowered.endswith(s))
