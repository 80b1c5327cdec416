"""Adapter for Vedomost's own journal format v1: ``.json`` and ``.json.gz``.

Steps: read bytes (gunzip with a size cap) → decode UTF-8 → parse JSON → validate against the
schema → build the snapshot → format-independent checks. Every problem is collected with the file
name, a JSON pointer and the field; the first step that fails stops the later ones (a document
that is not JSON has no pointers to report).
"""

from __future__ import annotations

import gzip
import json
import math
import re
import zlib
from pathlib import Path
from typing import Any

from service.config import import_limits
from service.journal.canonical import SnapshotFormatError, snapshot_from_dict
from service.journal.checks import check_snapshot, json_pointer
from service.journal.errors import InputProblem, InvalidInput, ProblemCollector
from service.journal.schema_check import is_valid, schema_problems
from service.journal.snapshot import Snapshot

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


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The document's bytes, gunzipped when the name ends in ``.gz``; InvalidInput on a bad file.

    ``limit`` defaults to the configured import size (``VEDOMOST_IMPORT_MAX_MB``): the
    1,000-student full-year sample is about 60 MB, a gzip bomb is refused at the limit.
    """
    name = path.name
    if limit is None:
        limit = import_limits().max_bytes
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
    rejected: list[_Rejected] = []

    def reject(text: str, reason: str) -> _Rejected:
        value = _Rejected(text, reason)
        rejected.append(value)
        return value

    def parse_int(text: str) -> int | _Rejected:
        # the length check first: int() of thousands of digits is slow and then refused
        if len(text) > 17 or abs(number := int(text)) > MAX_JSON_INTEGER:
            return reject(text, f"целое число {_cut(text)} вне допустимых пределов")
        return number

    def parse_float(text: str) -> float | _Rejected:
        number = float(text)
        if not math.isfinite(number):
            return reject(text, f"число {_cut(text)} слишком велико")
        return number

    def parse_constant(name: str) -> _Rejected:
        return reject(name, f"{name} не является числом JSON: укажите число или null")

    try:
        document = json.loads(
            text, parse_int=parse_int, parse_float=parse_float, parse_constant=parse_constant
        )
    except json.JSONDecodeError as exc:
        reason = _JSON_MESSAGES.get(exc.msg, exc.msg)
        where = f"строка {exc.lineno}, позиция {exc.colno}"
        raise _fail(file, f"это не JSON: {reason}", where) from None
    except RecursionError:
        raise _fail(file, "это не JSON: слишком глубокая вложенность") from None
    # Walking the document is slow on a full year, so it is done only on a sign of trouble: a
    # rejected number; an escape (\ud800), the only way to a lone surrogate since UTF-8 decoding
    # refuses encoded ones; a run of ``max_chars`` without a quote, or an escaped quote, the only
    # ways to a string longer than that.
    max_chars = import_limits().max_cell_chars
    long_run = re.compile(f'"[^"]{{{max_chars + 1}}}')
    if rejected or _SURROGATE_ESCAPE.search(text) or long_run.search(text) or '\\"' in text:
        problems = ProblemCollector()
        _bad_values(document, file, problems, max_chars)
        problems.raise_if_any()
    return document


# Integers beyond 2^53 lose precision in JavaScript and overflow database columns.
MAX_JSON_INTEGER = 2**53
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Rejected:
    """A number JSON allows but the journal cannot carry; found again by :func:`_bad_values`."""

    __slots__ = ("reason", "text")

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason


def _cut(text: str) -> str:
    return text if len(text) <= 24 else text[:20] + "…"


def _bad_values(document: Any, file: str, problems: ProblemCollector, max_chars: int) -> None:
    """Add a problem, with its JSON pointer and field, for every rejected number or bad string."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(document, ())]
    while stack and not problems.full:
        value, path = stack.pop()
        message = ""
        if isinstance(value, _Rejected):
            message = value.reason
        elif isinstance(value, str) and _SURROGATE.search(value):
            message = "недопустимый символ Юникода (одиночный суррогат UTF-16)"
        elif isinstance(value, str) and len(value) > max_chars:
            message = f"значение длиннее {max_chars} символов ({len(value)}) — файл отклонён"
        elif isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    problems.add(
                        file,
                        json_pointer(path),
                        "",
                        "недопустимый символ Юникода в имени поля",
                    )
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))
        if message:
            field = str(path[-1]) if path and isinstance(path[-1], str) else ""
            where = path[:-1] if field else path
            problems.add(file, json_pointer(where) or "/", field, message)


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
