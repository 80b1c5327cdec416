"""The spreadsheet-grid adapter: XLSX workbooks or CSV files as e-journals print them.

``read(path)`` takes an ``.xlsx`` file, a ``.csv`` file, a folder or a ``.zip`` of such files and
returns a :class:`Snapshot`; bad input raises :class:`InvalidInput` naming file, row and column. The
layout is in ``docs/grid-format.md``.
"""

from __future__ import annotations

from pathlib import Path

from service.journal.adapters.csvsniff import NotCsv, read_csv
from service.journal.adapters.gridbuild import build_snapshot
from service.journal.adapters.gridcells import RawCell
from service.journal.adapters.gridheader import Where
from service.journal.adapters.gridsheet import MarksSheet, TopicsSheet, read_table
from service.journal.adapters.inputfiles import OLE_MAGIC, InputFile, Limits, check_zip, gather
from service.journal.adapters.report import AdapterResult, WarningCollector
from service.journal.errors import ProblemCollector
from service.journal.snapshot import Snapshot

GRID_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")


def _xlsx_tables(
    file: InputFile, problems: ProblemCollector, limits: Limits
) -> list[tuple[str, list[list[RawCell]]]]:
    """(sheet title, rows) of a workbook, after checking its zip container."""
    if file.data.startswith(OLE_MAGIC):
        problems.add(
            file.name,
            "",
            "",
            "формат XLS (Excel 97–2003) не поддерживается — сохраните книгу как XLSX или CSV",
        )
        return []
    archive = check_zip(file.data, file.name, problems, limits, what="книга")
    if archive is None:
        return []
    archive.close()
    from service.journal.adapters import xlsxread  # openpyxl is slow to import: workbooks only

    return xlsxread.read_tables(file, problems, limits)


def read_with_report(path: Path, limits: Limits | None = None) -> AdapterResult:
    """Read a grid export and say what could not be mapped. Raises :class:`InvalidInput`."""
    limits = limits or Limits()
    problems = ProblemCollector()
    warnings = WarningCollector()
    files = gather(path, problems, limits)
    problems.raise_if_any()
    sheets: list[MarksSheet | TopicsSheet | None] = []
    usable = [f for f in files if f.suffix in GRID_SUFFIXES]
    for file in files:
        if file.suffix not in GRID_SUFFIXES:
            warnings.add(file.name, "", "", "файл пропущен: ожидаются таблицы XLSX или CSV")
    if not usable:
        problems.add(path.name, "", "", "нет ни одной таблицы журнала (XLSX или CSV)")
    for file in usable:
        if problems.full:
            break
        if file.suffix in (".xlsx", ".xlsm"):
            tables = _xlsx_tables(file, problems, limits)
            before = len(sheets)
            for title, rows in tables:
                sheets.append(
                    read_table(rows, Where(file.name, title), problems, warnings, strict=False)
                )
            if tables and all(s is None for s in sheets[before:]) and not problems:
                problems.add(file.name, "", "", "в книге нет ни одного листа журнала")
            continue
        try:
            text = read_csv(file.data, limits.cell_chars)
        except NotCsv as exc:
            problems.add(file.name, exc.location, exc.field, str(exc))
            continue
        # a .txt beside the tables may be a note, not Excel «Unicode text»: skipped if not a journal
        strict = file.suffix != ".txt" or len(usable) == 1
        sheets.append(read_table(text.rows, Where(file.name), problems, warnings, strict=strict))
    problems.raise_if_any()
    marks = [s for s in sheets if isinstance(s, MarksSheet)]
    topics = [s for s in sheets if isinstance(s, TopicsSheet)]
    snapshot = build_snapshot(marks, topics, problems, warnings)
    problems.raise_if_any()
    assert snapshot is not None
    return AdapterResult(snapshot, warnings.result())


def read(path: Path) -> Snapshot:
    """Read a grid export (XLSX, CSV, a folder or zip of them) into a snapshot."""
    return read_with_report(path).snapshot
