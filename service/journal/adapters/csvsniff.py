"""Decode CSV bytes from Russian exports and detect their delimiter.

Excel on a Russian Windows writes Windows-1251 with ``;``; web journals and LibreOffice usually
write UTF-8 (often with a BOM) with ``,`` or ``;``; «Unicode text» from Excel is UTF-16 with tabs.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from service.errors import UserError
from service.journal.adapters.inputfiles import OLE_MAGIC, ZIP_MAGIC

DELIMITERS = (";", ",", "\t")
_SAMPLE_LINES = 60


class NotCsv(UserError):
    """The bytes are not a text CSV file; the message (Russian) says what they look like."""


@dataclass(frozen=True, slots=True)
class CsvText:
    """Decoded CSV: its rows, and what was detected."""

    rows: list[list[str]]
    encoding: str  # "utf-8-sig", "utf-8", "cp1251", "utf-16"
    delimiter: str


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes to (text, encoding); :class:`NotCsv` for binary or empty input."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise NotCsv("файл пуст")
    if data.startswith(ZIP_MAGIC):
        raise NotCsv("это не CSV, а ZIP-архив или книга Excel (XLSX) — проверьте расширение файла")
    if data.startswith(OLE_MAGIC):
        raise NotCsv("это не CSV, а книга Excel 97–2003 (XLS) — сохраните её как XLSX или CSV")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise NotCsv(
                f"файл с меткой UTF-8 содержит неверные байты (позиция {exc.start})"
            ) from exc
    head = data[:65536]
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    if b"\x00" in head or control > len(head) // 100:
        raise NotCsv("файл двоичный, а не текстовый CSV")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251"), "cp1251"
    except UnicodeDecodeError as exc:
        raise NotCsv("кодировка не распознана: ожидается UTF-8 или Windows-1251") from exc


def sniff_delimiter(text: str) -> str:
    """The delimiter that gives the widest consistent table in the first lines (``;`` on a tie)."""
    sample = "\n".join(text.splitlines()[:_SAMPLE_LINES])
    best, best_score = DELIMITERS[0], -1
    for delimiter in DELIMITERS:
        rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        widths = [len(r) for r in rows if len(r) > 1]
        if not widths:
            continue
        widest = max(widths)
        score = widest * 1000 + sum(1 for w in widths if w == widest)
        if score > best_score:
            best, best_score = delimiter, score
    return best


@dataclass(frozen=True, slots=True)
class CsvStream:
    """Decoded CSV read lazily: rows are parsed as they are iterated (large files)."""

    rows: Iterator[list[str]]
    encoding: str
    delimiter: str


def iter_csv(data: bytes) -> CsvStream:
    """Like :func:`read_csv` without holding all rows; ``csv.Error`` may come while iterating."""
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    return CsvStream(
        csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), encoding, delimiter
    )


def read_csv(data: bytes) -> CsvText:
    """Decode and parse CSV bytes. Raises :class:`NotCsv` when they are not a text CSV."""
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise NotCsv(f"CSV не разбирается: {exc}") from exc
    return CsvText(rows, encoding, delimiter)
