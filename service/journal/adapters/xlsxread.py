"""Read the visible sheets of an XLSX workbook with bounded memory and time.

openpyxl's read-only worksheets fill every row up to the declared (or widest) column and every
missing row up to the last one: a 1 MB workbook whose few cells stand at ``XFD1048576`` becomes
gigabytes of ``None``. Here the sheet XML is streamed with openpyxl's own cell parser and only the
cells that hold a value are kept; a workbook is refused when it writes more cells than
``Limits.xlsx_cells``, puts a value beyond ``Limits.sheet_rows`` × ``Limits.sheet_columns``, holds
a cell longer than ``Limits.cell_chars``, or a formula whose value was never saved (data_only
would read it as an empty cell and the mark would be lost without a word).

openpyxl offers no public streaming hook for this; :class:`_CellParser` subclasses its
``WorkSheetParser`` (``openpyxl.worksheet._reader``), checked for the 3.1 series at import.
"""

from __future__ import annotations

import io
import warnings as pywarnings
from collections.abc import Iterator
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

from service.journal.adapters.gridcells import RawCell
from service.journal.adapters.inputfiles import InputFile, Limits
from service.journal.errors import ProblemCollector

if not openpyxl.__version__.startswith("3.1."):  # pragma: no cover - caught by the pin
    raise ImportError(f"xlsxread needs openpyxl 3.1.x, found {openpyxl.__version__}")

FORMULA_HINT = "сохраните файл в Excel/LibreOffice, чтобы значения формул были записаны"


class SheetRefused(Exception):
    """The workbook goes over a limit or cannot be read; ``location``/``field`` say where."""

    def __init__(self, message: str, location: str = "", field: str = "") -> None:
        super().__init__(message)
        self.location = location
        self.field = field


class _CellParser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's cell parser that also tells a formula without a saved value from an empty cell."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if element.find(FORMULA_TAG) is not None and element.find(VALUE_TAG) is None:
            cell["data_type"] = "formula-without-value"
        return cell


def _address(row: int, column: int) -> str:
    return f"{get_column_letter(min(column, 18278))}{row}"


def _sheet_cells(
    parser: _CellParser, title: str, limits: Limits, counted: list[int]
) -> Iterator[tuple[int, int, RawCell]]:
    """(row, column, value) of every cell holding a value, checked against ``limits``."""
    where = f"лист «{title}»"
    for _, cells in parser.parse():
        counted[0] += len(cells)
        if counted[0] > limits.xlsx_cells:
            raise SheetRefused(
                f"в книге больше {limits.xlsx_cells} ячеек — книга отклонена; "
                "удалите лишние листы и строки или разделите её"
            )
        for cell in cells:
            row, column, value = cell["row"], cell["column"], cell["value"]
            if cell["data_type"] == "formula-without-value":
                raise SheetRefused(
                    f"в ячейке формула без сохранённого значения — {FORMULA_HINT}",
                    where,
                    f"ячейка {_address(row, column)}",
                )
            if value is None or value == "":
                continue
            if row > limits.sheet_rows or column > limits.sheet_columns:
                raise SheetRefused(
                    f"значение стоит за пределами допустимой области листа "
                    f"({limits.sheet_rows} строк × {limits.sheet_columns} столбцов)",
                    where,
                    f"ячейка {_address(row, column)}",
                )
            if isinstance(value, str) and len(value) > limits.cell_chars:
                raise SheetRefused(
                    f"ячейка длиннее {limits.cell_chars} символов ({len(value)}) — книга отклонена",
                    where,
                    f"ячейка {_address(row, column)}",
                )
            yield row, column, value


def _rows(cells: Iterator[tuple[int, int, RawCell]], limits: Limits) -> list[list[RawCell]]:
    """Dense rows 1..last, each as long as its last value: at most ``xlsx_cells`` slots in all."""
    by_row: dict[int, dict[int, RawCell]] = {}
    for row, column, value in cells:
        by_row.setdefault(row, {})[column] = value
    if not by_row:
        return []
    slots = sum(max(r) for r in by_row.values()) + max(by_row)
    if slots > limits.xlsx_cells:
        raise SheetRefused(
            f"значения разбросаны по листу слишком широко (больше {limits.xlsx_cells} ячеек "
            "с пустыми между ними) — удалите лишнее или разделите книгу"
        )
    table: list[list[RawCell]] = []
    for number in range(1, max(by_row) + 1):
        values = by_row.get(number)
        if not values:
            table.append([])
            continue
        line: list[RawCell] = [None] * max(values)
        for column, value in values.items():
            line[column - 1] = value
        table.append(line)
    return table


def read_tables(
    file: InputFile, problems: ProblemCollector, limits: Limits
) -> list[tuple[str, list[list[RawCell]]]]:
    """(sheet title, rows) of every visible sheet; [] with a problem added when refused."""
    book = None
    tables: list[tuple[str, list[list[RawCell]]]] = []
    counted = [0]
    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore")  # openpyxl warns about unknown extensions/styles
            book = openpyxl.load_workbook(io.BytesIO(file.data), read_only=True, data_only=True)
            for sheet in book.worksheets:
                if getattr(sheet, "sheet_state", "visible") != "visible":
                    continue
                with sheet._get_source() as source:
                    parser = _CellParser(
                        source,
                        sheet._shared_strings,
                        data_only=True,
                        epoch=book.epoch,
                        date_formats=book._date_formats,
                        timedelta_formats=book._timedelta_formats,
                    )
                    rows = _rows(_sheet_cells(parser, sheet.title, limits, counted), limits)
                tables.append((sheet.title, rows))
    except SheetRefused as exc:
        problems.add(file.name, exc.location, exc.field, str(exc))
        return []
    # openpyxl on a hostile or broken file can fail in many ways (XML parse errors, an entity
    # amplification refused by the parser, missing parts): every one is a bad input, not a crash.
    except Exception as exc:
        problems.add(
            file.name, "", "", f"книга Excel повреждена или не XLSX ({type(exc).__name__})"
        )
        return []
    finally:
        if book is not None:
            book.close()
    return tables
