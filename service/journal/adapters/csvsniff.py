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

from service.config import import_limits
from service.errors import UserError
from service.journal.adapters.inputfiles import OLE_MAGIC, ZIP_MAGIC

DELIMITERS = (";", ",", "\t")
_SAMPLE_LINES = 60


class NotCsv(UserError):
    """The bytes are not a readable CSV file; the message (Russian) says why.

    Attributes:
        line: the line of the file where the problem starts (0 when it is the whole file).
        column: the column (1-based) of the cell at fault, 0 when not one cell.
    """

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column

    @property
    def location(self) -> str:
        """«строка 12» or empty."""
        return f"строка {self.line}" if self.line else ""

    @property
    def field(self) -> str:
        """«столбец 3» or empty."""
        return f"столбец {self.column}" if self.column else ""


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
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise NotCsv(
                f"файл с меткой UTF-16 содержит неверные символы (байт {exc.start})"
            ) from None
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
    # lines cut short: a huge cell must not hide its delimiters (the reader reports the cell)
    sample = "\n".join(line[:4096] for line in text.splitlines()[:_SAMPLE_LINES])
    best, best_score = DELIMITERS[0], -1
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        except csv.Error:
            continue
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
    """Decoded CSV read lazily: (line, cells) pairs parsed as they are iterated.

    ``line`` is the physical line the row starts on. Iterating raises :class:`NotCsv` (with the
    line) for an unbalanced quote or an oversized cell.
    """

    rows: Iterator[tuple[int, list[str]]]
    encoding: str
    delimiter: str


_CSV_ERRORS = {
    "unexpected end of data": "кавычка в ячейке не закрыта до конца файла",
    "new-line character seen in unquoted field": "перевод строки внутри ячейки без кавычек",
}


def _explain(exc: csv.Error, delimiter: str) -> str:
    text = str(exc)
    if text.startswith("field larger than field limit"):
        return "ячейка слишком длинная"
    if text.endswith("expected after '\"'"):
        return (
            f"после закрывающей кавычки ожидался разделитель «{delimiter}» — "
            "кавычки в строке не сбалансированы"
        )
    return _CSV_ERRORS.get(text, f"CSV не разбирается ({text})")


def bounded_rows(text: str, delimiter: str, max_cell: int) -> Iterator[tuple[int, list[str]]]:
    """Parse CSV text strictly, yielding (first line, cells); :class:`NotCsv` on the first fault.

    Strict quoting refuses what a lenient reader would silently accept with shifted rows: a quote
    that never closes, text after a closing quote. A quoted cell that spans lines and holds the
    delimiter is refused too: in a journal it is an opened quote that swallowed whole rows.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise NotCsv(_explain(exc, delimiter), start) from None
        for column, cell in enumerate(row, start=1):
            if len(cell) > max_cell:
                raise NotCsv(
                    f"ячейка длиннее {max_cell} символов ({len(cell)}) — файл отклонён",
                    start,
                    column,
                )
            if delimiter in cell and ("\n" in cell or "\r" in cell):
                raise NotCsv(
                    f"кавычка в ячейке не закрыта: ячейка захватила строки до {reader.line_num}",
                    start,
                    column,
                )
        yield start, row
        start = reader.line_num + 1


def iter_csv(data: bytes, max_cell: int | None = None) -> CsvStream:
    """Decode CSV bytes and parse them lazily with :func:`bounded_rows`."""
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    if max_cell is None:
        max_cell = import_limits().max_cell_chars
    return CsvStream(bounded_rows(text, delimiter, max_cell), encoding, delimiter)


def read_csv(data: bytes, max_cell: int | None = None) -> CsvText:
    """Decode and parse CSV bytes. Raises :class:`NotCsv` when they are not a readable CSV."""
    stream = iter_csv(data, max_cell)
    rows = [cells for _, cells in stream.rows]
    return CsvText(rows, stream.encoding, stream.delimiter)
