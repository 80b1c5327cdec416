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
from collections.abc import Iterable
from pathlib import Path

from service.journal.export.grid_layout import (
    TITLE_MARKS,
    TITLE_TOPICS,
    Cell,
    GridTables,
    streams,
    tables,
)
from service.journal.model import Snapshot

_UNSAFE = re.compile(r'[\\/:*?"<>|\[\]]+')


def _base_name(t: GridTables) -> str:
    name = f"{t.stream.class_id}-{t.subject_name.lower()}"
    if t.group_name:
        name += f"-{t.group_name.lower()}"
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
    rows.append([None, "Подпись учителя ____________"] + [None] * (width - 2))
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
) -> list[Path]:
    """Write ``<класс>-<предмет>.csv`` and ``…-темы.csv`` per class-subject; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for stream in streams(snapshot, class_ids):
        t = tables(snapshot, stream)
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
) -> Path:
    """The CSV files of :func:`write_csv_folder` in one zip archive (UTF-8 names)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for stream in streams(snapshot, class_ids):
            t = tables(snapshot, stream)
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


def write_xlsx(snapshot: Snapshot, path: Path, class_ids: Iterable[str] | None = None) -> Path:
    """Write one workbook: a marks and a topics sheet per class-subject, with merged headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for stream in streams(snapshot, class_ids):
        t = tables(snapshot, stream)
        short = f"{t.stream.class_id} {t.subject_name}" + (
            f" {t.group_name}" if t.group_name else ""
        )
        for kind, rows in (("marks", _marks_rows(t)), ("topics", _topics_rows(t))):
            title = _sheet_title(short if kind == "marks" else f"Темы {short}", used)
            sheet = book.create_sheet(title)
            width = len(rows[-1]) if kind == "topics" else len(t.marks_head)
            last = get_column_letter(max(width, 4))
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row, start=1):
                    if value is None:
                        continue
                    cell = sheet.cell(row=r, column=c, value=value)
                    if isinstance(value, dt.date):
                        cell.number_format = "DD.MM" if kind == "marks" else "DD.MM.YYYY"
            sheet.merge_cells(f"A1:{last}1")
            sheet["A1"].font = Font(bold=True, size=13)
            sheet["A1"].alignment = Alignment(horizontal="center")
            for r in range(
                2,
                2
                + len(t.header)
                - (kind == "topics" and any(k == "Директор" for k, _ in t.header)),
            ):
                sheet.merge_cells(f"B{r}:{last}{r}")
                sheet.cell(row=r, column=1).font = bold
            head_row = next(i for i, row in enumerate(rows, start=1) if row and row[0] == "№")
            for c in range(1, width + 1):
                sheet.cell(row=head_row, column=c).font = bold
                sheet.cell(row=head_row, column=c).alignment = Alignment(
                    text_rotation=90 if (kind == "marks" and c > 2) else 0, horizontal="center"
                )
            sheet.column_dimensions["B"].width = 38
            sheet.freeze_panes = sheet.cell(row=head_row + 1, column=3)
    if not book.worksheets:
        book.create_sheet("Пусто")
    book.save(path)
    return path
