"""Adapter for Vedomost's own journal format v1: ``.json`` and ``.json.gz``.

Steps: read bytes (gunzip with a size cap) → decode UTF-8 → parse JSON → validate against the
schema → build the snapshot → format-independent checks. Every problem is collected with the file
name, a JSON pointer and the field; the first step that fails stops the later ones (a document
that is not JSON has no pointers to report).
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import Any

from service.journal.canonical import SnapshotFormatError, snapshot_from_dict
from service.journal.checks import check_snapshot, json_pointer
from service.journal.errors import InputProblem, InvalidInput, ProblemCollector
from service.journal.schema_check import is_valid, schema_problems
from service.journal.snapshot import Snapshot

# The 1,000-student full-year sample is ~60 MB; refuse absurd (gzip-bomb-like) sizes early.
MAX_JSON_BYTES = 512 << 20
GZIP_MAGIC = b"\x1f\x8b"

_JSON_MESSAGES = {
    "Expecting value": "ожидалось значение",
    "Expecting property name enclosed in double quotes": "ожидалось имя поля в двойных кавычках",
    "Expecting ':' delimiter": "ожидалось «:»",
    "Expecting ',' delimiter": "ожидалась «,»",
    "Unterminated string starting at": "незакрытая строка",
    "Invalid control character at": "недопустимый управляющий символ",
    "Invalid \\escape": "неверная escape-последовательность",
    "Extra data": "лишние данные после конца документа",
}


def _fail(file: str, message: str, location: str = "") -> InvalidInput:
    return InvalidInput([InputProblem(file, location, "", message)])


def read_bytes(path: Path, limit: int = MAX_JSON_BYTES) -> bytes:
    """The document's bytes, gunzipped when the name ends in ``.gz``; InvalidInput on a bad file."""
    name = path.name
    try:
        with path.open("rb") as fh:
            head = fh.read(2)
            compressed = name.lower().endswith(".gz")
            if compressed and head != GZIP_MAGIC:
                raise _fail(name, "файл назван .gz, но не сжат gzip")
            if not compressed and head == GZIP_MAGIC:
                raise _fail(name, "файл сжат gzip, но назван не .gz; переименуйте его в .json.gz")
            fh.seek(0)
            stream = gzip.GzipFile(fileobj=fh) if compressed else fh
            data = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        if isinstance(exc, FileNotFoundError):
            raise _fail(name, "файл не найден") from None
        if isinstance(exc, IsADirectoryError):
            raise _fail(name, "это папка, а не файл JSON") from None
        if not isinstance(exc, (EOFError, zlib.error, gzip.BadGzipFile)):
            raise _fail(name, "файл не удалось прочитать") from None
        raise _fail(name, "файл gzip повреждён или обрезан") from None
    if len(data) > limit:
        megabytes = max(1, limit >> 20)
        raise _fail(name, f"файл слишком велик: больше {megabytes} МБ после распаковки")
    if not data.strip():
        raise _fail(name, "файл пуст")
    return data


def parse_json(data: bytes, file: str) -> Any:
    """Parse UTF-8 JSON bytes (a BOM is tolerated); InvalidInput with line and column if broken."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _fail(file, "файл не в кодировке UTF-8", f"строка {line}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        reason = _JSON_MESSAGES.get(exc.msg, exc.msg)
        where = f"строка {exc.lineno}, позиция {exc.colno}"
        raise _fail(file, f"это не JSON: {reason}", where) from None
    except RecursionError:
        raise _fail(file, "это не JSON: слишком глубокая вложенность") from None


def snapshot_from_document(data: Any, file: str) -> Snapshot:
    """Validate a parsed document (schema, then content) and build the snapshot."""
    problems = ProblemCollector()
    if not isinstance(data, dict):
        raise _fail(file, "ожидался объект JSON с полями журнала", "/")
    if not is_valid(data):
        schema_problems(data, file, problems)
        problems.raise_if_any()
    try:
        snapshot = snapshot_from_dict(data)
    except SnapshotFormatError as exc:  # e.g. 2025-02-30: matches the pattern, is no date
        location, _, field = exc.pointer.rpartition("/")
        raise InvalidInput([InputProblem(file, location or "/", field, exc.message)]) from None
    check_snapshot(snapshot, file, problems, json_pointer)
    problems.raise_if_any()
    return snapshot


def read(path: Path) -> Snapshot:
    """Read a format-v1 ``.json`` or ``.json.gz`` file into a checked snapshot."""
    path = Path(path)
    data = read_bytes(path)
    return snapshot_from_document(parse_json(data, path.name), path.name)
