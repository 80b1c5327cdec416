"""Write a snapshot as journal-grid files the way e-journals export them: XLSX and cp1251 CSV.

One marks sheet/file and one topics sheet/file per class-subject (and group). Used by tests and
demos to feed the grid adapter realistic input; the layout is ``docs/grid-format.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from service.journal.snapshot import Snapshot
from service.sample.export.grid_layout import (
    TITLE_MARKS,
    TITLE_TOPICS,
    Cell,
    GridTables,
    period_streams,
    streams,
    tables,
)

_UNSAFE = re.compile(r'[\\/:*?"<>|\[\]]+')


def _all_tables(
    snapshot: Snapshot, class_ids: Iterable[str] | None, per_period: bool
) -> Iterator[GridTables]:
    for stream in streams(snapshot, class_ids):
        if not per_period:
            yield tables(snapshot, stream)
            continue
        parts = period_streams(snapshot, stream)
        teacher = stream.lessons[0].teacher_id
        for k, (numbered, part) in enumerate(parts):
            t = tables(snapshot, part, numbered, k == len(parts) - 1, teacher)
            if part.lessons or any(len(r) > 2 and any(c for c in r[2:]) for r in t.marks_rows):
                yield t


def _base_name(t: GridTables) -> str:
    name = f"{t.stream.class_id}-{t.subject_name.lower()}"
    if t.group_name:
        name += f"-{t.group_name.lower()}"
    if t.period_label:
        name += f"-{t.period_label.rstrip('.')}"
    return _UNSAFE.sub("_", name).replace(" ", "_")


def _text(value: Cell) -> str:
    if isinstance(value, dt.date):
        return f"{value:%d.%m}"
    return "" if value is None else str(value)


def csv_bytes(rows: list[list[Cell]], encoding: str = "cp1251", delimiter: str = ";") -> bytes:
    """CSV as Excel on a Russian Windows saves it (CRLF, quotes only when needed)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_text(c) for c in row])
    prefix = "\ufeff" if encoding == "utf-8-sig" else ""
    return (prefix + buffer.getvalue()).encode(encoding.replace("-sig", ""), errors="replace")


def _marks_rows(t: GridTables) -> list[list[Cell]]:
    width = len(t.marks_head)
    rows: list[list[Cell]] = [[TITLE_MARKS] + [None] * (width - 1)]
    rows += [[f"{key}:", value] + [None] * (width - 2) for key, value in t.header]
    rows.append([None] * width)
    rows.append(list(t.marks_head))
    rows += [list(r) for r in t.marks_rows]
    rows.append([None] * width)
    footer: list[Cell] = [None, "Подпись учителя ____________"]
    rows.append(footer + [None] * (width - 2))
    return rows


def _topics_rows(t: GridTables) -> list[list[Cell]]:
    width = len(t.topics_head)
    rows: list[list[Cell]] = [[TITLE_TOPICS] + [None] * (width - 1)]
    rows += [
        [f"{key}:", value] + [None] * (width - 2) for key, value in t.header if key != "Директор"
    ]
    rows.append([None] * width)
    rows.append(list(t.topics_head))
    rows += [[_topic_cell(c) for c in r] for r in t.topics_rows]
    return rows


def _topic_cell(value: Cell) -> Cell:
    return f"{value:%d.%m.%Y}" if isinstance(value, dt.date) else value


def write_csv_folder(
    snapshot: Snapshot,
    folder: Path,
    class_ids: Iterable[str] | None = None,
    encoding: str = "cp1251",
    delimiter: str = ";",
    per_period: bool = False,
) -> list[Path]:
    """Write ``<класс>-<предмет>.csv`` and ``…-темы.csv`` per class-subject; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for t in _all_tables(snapshot, class_ids, per_period):
        base = _base_name(t)
        for suffix, rows in (("", _marks_rows(t)), ("-темы", _topics_rows(t))):
            path = folder / f"{base}{suffix}.csv"
            path.write_bytes(csv_bytes(rows, encoding, delimiter))
            paths.append(path)
    return paths


def write_csv_zip(
    snapshot: Snapshot,
    path: Path,
    class_ids: Iterable[str] | None = None,
    encoding: str = "cp1251",
    delimiter: str = ";",
    per_period: bool = False,
) -> Path:
    """The CSV files of :func:`write_csv_folder` in one zip archive (UTF-8 names)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for t in _all_tables(snapshot, class_ids, per_period):
            base = _base_name(t)
            archive.writestr(f"{base}.csv", csv_bytes(_marks_rows(t), encoding, delimiter))
            archive.writestr(f"{base}-темы.csv", csv_bytes(_topics_rows(t), encoding, delimiter))
    return path


def _sheet_title(base: str, used: set[str]) -> str:
    title = _UNSAFE.sub("_", base)[:31]
    n = 2
    while title in used:
        suffix = f" ({n})"
        title = _UNSAFE.sub("_", base)[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def _styled(sheet: Any, rows: list[list[Cell]], kind: str, header_lines: int) -> None:
    """Append rows to a write-only sheet: bold keys and column headers, Excel dates, merges."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold, title_font = Font(bold=True), Font(bold=True, size=13)
    head_row = next(i for i, row in enumerate(rows, start=1) if row and row[0] == "№")
    width = len(rows[head_row - 1])
    last = get_column_letter(max(width, 4))
    sheet.column_dimensions["B"].width = 38
    sheet.freeze_panes = f"C{head_row + 1}"
    sheet.merged_cells.add(f"A1:{last}1")
    for r in range(2, 2 + header_lines):
        sheet.merged_cells.add(f"B{r}:{last}{r}")
    for r, row in enumerate(rows, start=1):
        if r > head_row:  # the body: plain values are much faster than styled cells
            sheet.append(row)
            continue
        out = []
        for c, value in enumerate(row, start=1):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "DD.MM" if kind == "marks" else "DD.MM.YYYY"
            if r == 1:
                cell.font, cell.alignment = title_font, Alignment(horizontal="center")
            elif r <= 1 + header_lines and c == 1:
                cell.font = bold
            elif r == head_row:
                cell.font = bold
                rotate = 90 if kind == "marks" and c > 2 else 0
                cell.alignment = Alignment(text_rotation=rotate, horizontal="center")
            out.append(cell)
        sheet.append(out)


def write_xlsx(
    snapshot: Snapshot,
    path: Path,
    class_ids: Iterable[str] | None = None,
    per_period: bool = False,
) -> Path:
    """Write one workbook: a marks and a topics sheet per class-subject, with merged headers.

    With ``per_period`` each class-subject gets a pair of sheets per period, as the quarterly
    printout of an e-journal.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    used: set[str] = set()
    for t in _all_tables(snapshot, class_ids, per_period):
        short = f"{t.stream.class_id} {t.subject_name}" + (
            f" {t.group_name}" if t.group_name else ""
        )
        if t.period_label:
            short += f" {t.period_label}"
        marks = _marks_rows(t)
        topics = _topics_rows(t)
        _styled(book.create_sheet(_sheet_title(short, used)), marks, "marks", len(t.header))
        _styled(
            book.create_sheet(_sheet_title(f"Темы {short}", used)),
            topics,
            "topics",
            sum(1 for k, _ in t.header if k != "Директор"),
        )
    if not book.worksheets:
        book.create_sheet("Пусто")
    book.save(path)
    return path
