"""A corpus of malformed import files, each made from a valid export by one hostile change.

Every :class:`Case` builds its file in a given folder and names the Russian fragment the refusal
must contain. The valid bases come from the project's own writers (format-v1 JSON, the grid
CSV/XLSX layout, a OneRoster package), so a case differs from an importable file by its fault alone.
"""

from __future__ import annotations

import codecs
import copy
import gzip
import io
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.journal.canonical import snapshot_to_dict
from service.sample.export import oneroster_writer
from tests.adapters.factory import small_school
from tests.adapters.gridfiles import HEADER, filler, marks_csv
from tests.hostile.xlsxfiles import cell_xml, sparse_workbook, write_sheet
from tests.journal.factories import tiny_snapshot

FORMULA_HINT = "сохраните файл в Excel/LibreOffice, чтобы значения формул были записаны"
HEAD = "№;ФИО обучающегося;02.09;05.09;05.09;Итог"


@dataclass(frozen=True)
class Case:
    """One malformed import: how to build it, which adapter reads it, what the refusal says."""

    id: str
    fmt: str
    build: Callable[[Path], Path]
    expected: str
    env: dict[str, str] = field(default_factory=dict)


# --- format-v1 JSON -----------------------------------------------------------------------------


def _document() -> dict[str, Any]:
    return snapshot_to_dict(tiny_snapshot())


def _json_text(change: Callable[[dict[str, Any]], object]) -> str:
    doc = copy.deepcopy(_document())
    change(doc)
    return json.dumps(doc, ensure_ascii=False)


def _json_case(
    case_id: str,
    expected: str,
    change: Callable[[dict[str, Any]], object] = lambda d: None,
    edit: Callable[[str], str] = lambda t: t,
    env: dict[str, str] | None = None,
) -> Case:
    """A JSON case: ``change`` edits the parsed document, ``edit`` then the text."""

    def build(folder: Path) -> Path:
        path = folder / "school.json"
        path.write_text(edit(_json_text(change)), encoding="utf-8")
        return path

    return Case(f"json-{case_id}", "json", build, expected, env or {})


def _json_bytes_case(
    case_id: str, expected: str, make: Callable[[bytes], bytes], name: str
) -> Case:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(make(_json_text(lambda d: None).encode("utf-8")))
        return path

    return Case(f"json-{case_id}", "json", build, expected)


def _set(*path_and_value: Any) -> Callable[[dict[str, Any]], None]:
    *path, value = path_and_value

    def change(doc: dict[str, Any]) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _marker(text: str, marker: str, replacement: str) -> str:
    assert marker in text
    return text.replace(marker, replacement, 1)


JSON_CASES = [
    _json_case(
        "int-huge",
        "/assignments/0, поле «hours_per_week»: целое число",
        _set("assignments", 0, "hours_per_week", 10**30),
    ),
    _json_case(
        "int-5000-digits",
        "поле «version»: целое число",
        edit=lambda t: _marker(t, '"version": 1', '"version": 1' + "0" * 5000),
    ),
    _json_case(
        "nan",
        "/assignments/0, поле «hours_per_week»: NaN не является числом JSON",
        _set("assignments", 0, "hours_per_week", "@NUM@"),
        edit=lambda t: t.replace('"@NUM@"', "NaN"),
    ),
    _json_case(
        "infinity",
        "Infinity не является числом JSON",
        _set("assignments", 0, "hours_per_week", "@NUM@"),
        edit=lambda t: t.replace('"@NUM@"', "Infinity"),
    ),
    _json_case(
        "minus-infinity",
        "-Infinity не является числом JSON",
        _set("lessons", 0, "number", "@NUM@"),
        edit=lambda t: t.replace('"@NUM@"', "-Infinity"),
    ),
    _json_case(
        "float-overflow",
        "число 1e999 слишком велико",
        _set("assignments", 0, "hours_per_week", "@NUM@"),
        edit=lambda t: t.replace('"@NUM@"', "1e999"),
    ),
    _json_case(
        "lone-high-surrogate",
        "/students/0, поле «last_name»: недопустимый символ Юникода",
        _set("students", 0, "last_name", "@S@"),
        edit=lambda t: t.replace("@S@", "Иван\\ud800ов"),
    ),
    _json_case(
        "lone-low-surrogate",
        "поле «first_name»: недопустимый символ Юникода",
        _set("staff", 1, "first_name", "@S@"),
        edit=lambda t: t.replace("@S@", "\\udc00"),
    ),
    _json_case(
        "surrogate-in-key",
        "недопустимый символ Юникода в имени поля",
        _set("school", "@K@", "x"),
        edit=lambda t: t.replace('"@K@"', '"\\udfff"'),
    ),
    _json_case(
        "mark-as-number",
        '/marks/0, поле «value»: отметка должна быть строкой "5", а не числом 5',
        _set("marks", 0, "value", 5),
    ),
    _json_case(
        "mark-as-float",
        'отметка должна быть строкой "4", а не числом 4.0',
        _set("marks", 0, "value", 4.0),
    ),
    _json_case(
        "version-as-string",
        'поле «version»: версия формата должна быть числом 1, а не строкой "1"',
        _set("version", "1"),
    ),
    _json_case(
        "lesson-number-as-string",
        'поле «number»: значение должно быть числом 1, а не строкой "1"',
        _set("lessons", 0, "number", "1"),
    ),
    _json_case("mark-out-of-scale", "отметка «6» вне шкалы 1–5", _set("marks", 0, "value", "6")),
    _json_case(
        "impossible-date",
        "/lessons/0, поле «date»: несуществующая дата «2025-02-30»",
        _set("lessons", 0, "date", "2025-02-30"),
    ),
    _json_case(
        "hours-negative",
        "поле «hours_per_week»: значение -1 вне допустимых пределов",
        _set("assignments", 0, "hours_per_week", -1),
    ),
    _json_case(
        "unknown-field", "неизвестное поле «nickname»", _set("students", 0, "nickname", "x")
    ),
    _json_case("wrong-format-name", "это не файл журнала Ведомости", _set("format", "другой")),
    _json_case(
        "name-too-long",
        "/students/0, поле «last_name»: значение длиннее 10000 символов",
        _set("students", 0, "last_name", "Я" * 1_000_000),
    ),
    _json_case("truncated", "это не JSON", edit=lambda t: t[: len(t) // 2]),
    _json_case("root-array", "ожидался объект JSON", edit=lambda t: "[" + t + "]"),
    _json_case("empty", "файл пуст", edit=lambda t: "  \n"),
    _json_case("deep-nesting", "это не JSON", edit=lambda t: "[" * 200_000 + "]" * 200_000),
    _json_case(
        "over-size-limit",
        "файл слишком велик: больше 1 МБ",
        _set("source", "x" * (1 << 20)),
        env={"VEDOMOST_IMPORT_MAX_MB": "1"},
    ),
    _json_bytes_case(
        "not-utf8",
        "файл не в кодировке UTF-8",
        lambda b: b.replace("Петрова".encode(), "Петрова".encode("cp1251"), 1),
        "school.json",
    ),
    _json_bytes_case(
        "utf16", "файл не в кодировке UTF-8", lambda b: b.decode().encode("utf-16"), "school.json"
    ),
    _json_bytes_case("gz-not-gzip", "файл назван .gz, но не сжат gzip", lambda b: b, "s.json.gz"),
    _json_bytes_case(
        "gz-truncated",
        "файл gzip повреждён или обрезан",
        lambda b: gzip.compress(b)[:200],
        "s.json.gz",
    ),
    _json_bytes_case(
        "gz-unnamed",
        "файл сжат gzip, но назван не .gz",
        gzip.compress,
        "school.json",
    ),
]


# --- grid CSV ----------------------------------------------------------------------------------


def _csv_case(
    case_id: str,
    expected: str,
    rows: Callable[[], list[str]],
    head: str = HEAD,
    header: list[str] | None = None,
    encoding: str = "cp1251",
    env: dict[str, str] | None = None,
) -> Case:
    def build(folder: Path) -> Path:
        return marks_csv(folder, rows(), head=head, header=header, encoding=encoding)

    return Case(f"csv-{case_id}", "grid", build, expected, env or {})


def _raw_csv_case(case_id: str, expected: str, data: Callable[[], bytes]) -> Case:
    def build(folder: Path) -> Path:
        path = folder / "5А-математика.csv"
        path.write_bytes(data())
        return path

    return Case(f"csv-{case_id}", "grid", build, expected)


def _with_row(index: int, row: str) -> Callable[[], list[str]]:
    def rows() -> list[str]:
        lines = filler(6)
        lines[index] = row
        return lines

    return rows


def _utf16_with_surrogate() -> bytes:
    text = "\r\n".join([*HEADER, HEAD, *filler(3)])
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return data + b"\x00\xd8" + "5".encode("utf-16-le")  # a high surrogate with no low one


CSV_CASES = [
    _csv_case(
        "unbalanced-quote",
        "строка 12: кавычка в ячейке не закрыта",
        _with_row(2, '3;"Сидоров Олег Ильич;5;;4/5;4'),
    ),
    _csv_case(
        "text-after-quote",
        "строка 11",
        _with_row(1, '2;"Петрова" Анна;5;;4/5;4'),
    ),
    _csv_case(
        "quote-swallows-rows",
        "строка 10, столбец 2: кавычка в ячейке не закрыта: ячейка захватила строки",
        lambda: ['1;"Иванов Иван;5;;4;4', '2;Петрова Анна;5;;4;4";3', *filler(3)[2:]],
    ),
    _csv_case(
        "megabyte-cell",
        "строка 11: ячейка слишком длинная",
        _with_row(1, "2;Петрова Анна;" + "5" * (1 << 20) + ";;4;4"),
    ),
    _csv_case(
        "megabyte-quoted-cell",
        "строка 12: ячейка слишком длинная",
        _with_row(2, '3;"' + "Сидоров " * 130_000 + '";5;;4;4'),
    ),
    _csv_case(
        "cell-over-limit",
        "строка 10, столбец 2: ячейка длиннее 10000 символов",
        _with_row(0, "1;" + "Иванов" * 3000 + ";5;;4;4"),
    ),
    _csv_case(
        "cell-over-configured-limit",
        "строка 10, столбец 2: ячейка длиннее 100 символов",
        _with_row(0, "1;" + "Иванов Иван " * 20 + ";5;;4;4"),
        env={"VEDOMOST_IMPORT_MAX_CELL_CHARS": "100"},
    ),
    _csv_case(
        "impossible-date-header",
        "«30.02.2025»: дата «30.02.2025» не существует",
        lambda: filler(4),
        head="№;ФИО обучающегося;02.09;30.02.2025;05.09;Итог",
    ),
    _csv_case(
        "impossible-short-date-header",
        "дата «31.09» не существует",
        lambda: filler(4),
        head="№;ФИО обучающегося;02.09;31.09;05.09;Итог",
    ),
    _csv_case(
        "date-outside-year",
        "вне учебного года 2024/2025",
        lambda: filler(4),
        head="№;ФИО обучающегося;02.09;05.09.2030;05.09;Итог",
    ),
    _csv_case("mark-out-of-scale", "строка 11", _with_row(1, "2;Петрова Анна;7;;4;4")),
    _raw_csv_case(
        "utf16-lone-surrogate", "UTF-16 содержит неверные символы", _utf16_with_surrogate
    ),
    _raw_csv_case("binary", "файл двоичный", lambda: bytes(range(256)) * 64),
    _raw_csv_case("empty", "файл пуст", lambda: b"\r\n\r\n"),
    _raw_csv_case(
        "xls-named-csv",
        "книга Excel 97–2003",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
    ),
    _raw_csv_case("xlsx-named-csv", "это не CSV, а ZIP-архив", lambda: b"PK\x03\x04" + bytes(64)),
    _raw_csv_case("undecodable", "кодировка не распознана", lambda: b"\x98\x98;\x98\r\n" * 20),
]


# --- grid XLSX ---------------------------------------------------------------------------------


def _header_rows(head: list[object]) -> list[tuple[int, str]]:
    rows = []
    for number, line in enumerate(HEADER, start=1):
        cells = [c for c in line.split(";") if c]
        rows.append((number, "".join(cell_xml(number, i, c) for i, c in enumerate(cells, 1))))
    n = len(HEADER) + 1
    rows.append((n, "".join(cell_xml(n, i, c) for i, c in enumerate(head, 1))))
    return rows


def _student_rows(start: int, marks: list[str]) -> list[tuple[int, str]]:
    out = []
    for i, line in enumerate(filler(len(marks))):
        number = start + i
        cells = line.split(";")[:2]
        xml = "".join(cell_xml(number, c, v) for c, v in enumerate(cells, 1))
        out.append((number, xml + marks[i].replace("{row}", str(number))))
    return out


def _xlsx_case(
    case_id: str,
    expected: str,
    rows: Callable[[], list[tuple[int, str]]],
    env: dict[str, str] | None = None,
    dimension: str = "A1",
) -> Case:
    def build(folder: Path) -> Path:
        return write_sheet(folder / "журнал.xlsx", rows(), dimension)

    return Case(f"xlsx-{case_id}", "grid", build, expected, env or {})


_HEAD_CELLS: list[object] = ["№", "ФИО обучающегося", "02.09", "05.09", "Итог"]


def _raw_xlsx_case(case_id: str, expected: str, data: Callable[[], bytes]) -> Case:
    def build(folder: Path) -> Path:
        path = folder / "журнал.xlsx"
        path.write_bytes(data())
        return path

    return Case(f"xlsx-{case_id}", "grid", build, expected)


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _broken_sheet_xml() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<<<"})


XLSX_CASES = [
    _xlsx_case(
        "formula-without-value",
        f"лист «Оценки», ячейка C10: в ячейке формула без сохранённого значения — {FORMULA_HINT}",
        lambda: [
            *_header_rows(_HEAD_CELLS),
            *_student_rows(10, ['<c r="C{row}"><f>2+3</f></c>'] * 3),
        ],
    ),
    _xlsx_case(
        "formula-empty-value-element-still-missing",
        FORMULA_HINT,
        lambda: [
            *_header_rows(_HEAD_CELLS),
            *_student_rows(10, ['<c r="D{row}"><f>SUM(C{row}:C{row})</f></c>'] * 2),
        ],
    ),
    _xlsx_case(
        "value-far-right",
        "ячейка XFD12: значение стоит за пределами допустимой области листа",
        lambda: [
            *_header_rows(_HEAD_CELLS),
            *_student_rows(10, ["", "", cell_xml(12, 16384, 5)]),
        ],
        dimension="A1:XFD1048576",
    ),
    _xlsx_case(
        "value-far-down",
        "ячейка A1048576: значение стоит за пределами допустимой области листа",
        lambda: [*_header_rows(_HEAD_CELLS), (1048576, cell_xml(1048576, 1, "x"))],
    ),
    _xlsx_case(
        "too-many-cells",
        "в книге больше 1000 ячеек",
        lambda: [
            *_header_rows(_HEAD_CELLS),
            *[(n, "".join(cell_xml(n, c, 5) for c in range(1, 41))) for n in range(10, 60)],
        ],
        env={"VEDOMOST_IMPORT_MAX_XLSX_CELLS": "1000"},
    ),
    _xlsx_case(
        "scattered-values",
        "значения разбросаны по листу слишком широко",
        lambda: [
            *_header_rows(_HEAD_CELLS),
            *[(n, cell_xml(n, 1990, 5)) for n in range(10, 1200)],
        ],
    ),
    _xlsx_case(
        "long-cell",
        "ячейка B10: ячейка длиннее 10000 символов",
        lambda: [*_header_rows(_HEAD_CELLS), (10, cell_xml(10, 2, "Иванов" * 5000))],
    ),
    _xlsx_case(
        "impossible-date-header",
        "дата «30.02.2025» не существует",
        lambda: [
            *_header_rows(["№", "ФИО обучающегося", "02.09", "30.02.2025"]),
            *_student_rows(10, [cell_xml(10, 3, 5), cell_xml(11, 4, 4)]),
        ],
    ),
    _raw_xlsx_case("not-zip", "внутри не ZIP-контейнер", lambda: b"just text, not a workbook"),
    _raw_xlsx_case(
        "xls-named-xlsx",
        "формат XLS (Excel 97–2003) не поддерживается",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
    ),
    _raw_xlsx_case("broken-parts", "книга Excel повреждена", _broken_sheet_xml),
    _raw_xlsx_case(
        "zip-bomb",
        "похоже на zip-бомбу",
        lambda: _zip({"xl/worksheets/sheet1.xml": b"<a>" + b" " * (64 << 20) + b"</a>"}),
    ),
    _raw_xlsx_case(
        "truncated-zip",
        "книга Excel повреждена",
        lambda: _zip({"[Content_Types].xml": b"x" * 5000})[:-30],
    ),
]


def _sparse_case() -> Case:
    def build(folder: Path) -> Path:
        return sparse_workbook(folder / "разреженная.xlsx")

    return Case(
        "xlsx-sparse-megabyte",
        "grid",
        build,
        "значение стоит за пределами допустимой области листа",
    )


XLSX_CASES.append(_sparse_case())


# --- OneRoster ---------------------------------------------------------------------------------


def _roster_files() -> dict[str, bytes]:
    return oneroster_writer.package_files(small_school())


def _roster_case(
    case_id: str,
    expected: str,
    change: Callable[[dict[str, bytes]], None],
    env: dict[str, str] | None = None,
) -> Case:
    def build(folder: Path) -> Path:
        files = _roster_files()
        change(files)
        path = folder / "oneroster.zip"
        path.write_bytes(_zip(files))
        return path

    return Case(f"oneroster-{case_id}", "oneroster", build, expected, env or {})


def _edit_line(
    name: str, line: int, edit: Callable[[str], str]
) -> Callable[[dict[str, bytes]], None]:
    """Edit line ``line`` (1-based) of file ``name`` of the package."""

    def change(files: dict[str, bytes]) -> None:
        text = files[name].decode("utf-8-sig")
        lines = text.split("\r\n") if "\r\n" in text else text.split("\n")
        lines[line - 1] = edit(lines[line - 1])
        sep = "\r\n" if "\r\n" in text else "\n"
        files[name] = sep.join(lines).encode("utf-8")

    return change


def _replace_file(name: str, data: bytes) -> Callable[[dict[str, bytes]], None]:
    def change(files: dict[str, bytes]) -> None:
        files[name] = data

    return change


def _drop(name: str) -> Callable[[dict[str, bytes]], None]:
    def change(files: dict[str, bytes]) -> None:
        del files[name]

    return change


def _first_cell_quoted_open(line: str) -> str:
    first, _, rest = line.partition(",")
    return f'"{first},{rest}'


def _noise(size: int) -> str:
    """Letters that deflate does not squeeze below the zip-bomb ratio."""
    rnd = random.Random(size)
    return "".join(rnd.choice("абвгдежзиклмнопрстуфхцчшщэюя") for _ in range(size))


def _cell(line: str, index: int, value: str) -> str:
    cells = line.split(",")
    cells[index] = value
    return ",".join(cells)


def _swallow(name: str) -> Callable[[dict[str, bytes]], None]:
    """Open a quote in line 3 and close it in line 5: rows 4 and 5 would vanish into one cell."""

    def change(files: dict[str, bytes]) -> None:
        lines = files[name].decode("utf-8-sig").split("\r\n")
        lines[2] = '"' + lines[2]
        lines[4] = lines[4].replace(",", '",', 1)
        files[name] = "\r\n".join(lines).encode("utf-8")

    return change


ONEROSTER_CASES = [
    _roster_case(
        "unbalanced-quote",
        "users.csv, строка 3: кавычка в ячейке не закрыта",
        _edit_line("users.csv", 3, _first_cell_quoted_open),
    ),
    _roster_case(
        "text-after-quote",
        "enrollments.csv, строка 2: после закрывающей кавычки",
        _edit_line("enrollments.csv", 2, lambda line: '"en"x' + line[line.index(",") :]),
    ),
    _roster_case(
        "megabyte-field",
        "users.csv, строка 4: ячейка слишком длинная",
        _edit_line(
            "users.csv", 4, lambda line: line.replace(",true,", ",true," + _noise(1 << 20), 1)
        ),
    ),
    _roster_case(
        "field-over-limit",
        "users.csv, строка 4, столбец 7: ячейка длиннее 10000 символов",
        _edit_line("users.csv", 4, lambda line: _cell(line, 6, "Ж" * 20_000)),
    ),
    _roster_case(
        "utf16-lone-surrogate",
        "users.csv: файл с меткой UTF-16 содержит неверные символы",
        lambda files: files.update(
            {
                "users.csv": codecs.BOM_UTF16_LE
                + files["users.csv"].decode().encode("utf-16-le")
                + b"\x00\xdc"
            }
        ),
    ),
    _roster_case("no-manifest", "нет файла manifest.csv", _drop("manifest.csv")),
    _roster_case(
        "binary-users",
        "users.csv: файл двоичный",
        _replace_file("users.csv", bytes(range(256)) * 8),
    ),
    _roster_case("empty-users", "users.csv: файл пуст", _replace_file("users.csv", b"")),
    _roster_case(
        "duplicate-id",
        "повторяет строку 2",
        _edit_line("users.csv", 3, lambda line: "dir" + line[line.index(",") :]),
    ),
    _roster_case(
        "impossible-session-date",
        "academicSessions.csv, строка 2",
        _edit_line(
            "academicSessions.csv", 2, lambda line: line.replace("2024-09-02", "2024-02-30")
        ),
    ),
    _roster_case(
        "zip-slip",
        "путь ведёт за пределы архива",
        lambda files: files.update({"../evil.csv": b"a,b\r\n"}),
    ),
    _roster_case(
        "quote-swallows-rows",
        "кавычка в ячейке не закрыта: ячейка захватила строки",
        _swallow("users.csv"),
    ),
]


CASES: list[Case] = [*JSON_CASES, *CSV_CASES, *XLSX_CASES, *ONEROSTER_CASES]
