"""Raw XLSX workbooks written part by part, for cases openpyxl's writer cannot make."""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

_OOX = "http://schemas.openxmlformats.org"
_CT = "application/vnd.openxmlformats-"
_SML = _CT + "officedocument.spreadsheetml"
_REL = _OOX + "/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Types xmlns="{_OOX}/package/2006/content-types">'
    f'<Default Extension="rels" ContentType="{_CT}package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SML}.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{_OOX}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<workbook xmlns="{_OOX}/spreadsheetml/2006/main" xmlns:r="{_REL}">'
    '<sheets><sheet name="Оценки" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{_OOX}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)

Cell = tuple[int, int, str]  # row, column, inner XML of <c> after its attributes


def cell_xml(row: int, column: int, value: object, formula: str | None = None) -> str:
    """One ``<c>``: a number, an inline string, or a formula with or without a cached value."""
    ref = f"{get_column_letter(column)}{row}"
    if formula is not None:
        cached = "" if value is None else f"<v>{value}</v>"
        return f'<c r="{ref}"><f>{escape(formula)}</f>{cached}</c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def write_sheet(path: Path, rows: Iterable[tuple[int, str]], dimension: str = "A1") -> Path:
    """A one-sheet workbook; ``rows`` are (row number, its cells' XML) in order."""
    body = "".join(f'<row r="{n}">{cells}</row>' for n, cells in rows)
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        # surrogatepass: hostile cases may put lone surrogates in, as broken writers do
        archive.writestr("xl/worksheets/sheet1.xml", sheet.encode("utf-8", "surrogatepass"))
    return path


def sparse_workbook(path: Path, target_bytes: int = 1 << 20, seed: int = 1) -> Path:
    """About ``target_bytes`` of workbook declaring A1:XFD1048576, a value every few rows far right.

    This is the shape that made a read-only openpyxl fill every row to column 16,384.
    """
    rnd = random.Random(seed)
    rows: list[tuple[int, str]] = []
    row = 0
    size = 0
    while size < target_bytes * 7:  # deflate packs this XML about 7:1
        row += rnd.randint(1, 9)
        xml = cell_xml(row, 16384 - rnd.randint(0, 50), rnd.randint(1, 5))
        rows.append((row, xml))
        size += len(xml) + 20
    return write_sheet(path, rows, dimension="A1:XFD1048576")
