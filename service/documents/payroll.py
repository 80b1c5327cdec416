"""Payroll export of paid substitution hours (layout: docs/payroll-format.md)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from service.journal.errors import ProblemCollector

HEADERS = {
    "teacher_id": ("teacher_id", "табельный номер", "таб. номер", "код учителя", "код"),
    "teacher": ("teacher", "фио", "учитель", "сотрудник"),
    "month": ("month", "месяц", "период"),
    "hours": ("paid_hours", "hours", "часы", "оплачено часов", "часы замещения"),
}
MONTH_RE = re.compile(r"^(?:(\d{4})-(\d{2})|(\d{2})\.(\d{4}))$")


@dataclass(frozen=True, slots=True)
class PayrollLine:
    line: int
    teacher_id: str
    teacher: str
    month: str  # "2024-10"
    hours: float


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def read_payroll(path: Path) -> tuple[PayrollLine, ...]:
    """Parse the payroll CSV (UTF-8 or Windows-1251, «;» or «,»); raise InvalidInput in Russian."""
    return parse_payroll(path.read_bytes(), path.name)


def parse_payroll(data: bytes, file_name: str) -> tuple[PayrollLine, ...]:
    """Parse payroll CSV bytes; every bad line is reported with its number and column."""
    text = _decode(data)
    problems = ProblemCollector()
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        problems.add(file_name, "строка 1", "", "файл пуст: нужна строка заголовков")
        problems.raise_if_any()
    assert header is not None
    columns: dict[str, int] = {}
    normalized = [h.strip().lower() for h in header]
    for key, names in HEADERS.items():
        for position, name in enumerate(normalized):
            if name in names:
                columns[key] = position
                break
    for key in ("month", "hours"):
        if key not in columns:
            problems.add(file_name, "строка 1", "", f"нет столбца «{HEADERS[key][1]}»")
    if "teacher_id" not in columns and "teacher" not in columns:
        problems.add(file_name, "строка 1", "", "нужен столбец «табельный номер» или «ФИО»")
    problems.raise_if_any()
    lines = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key: str, row: list[str] = row) -> str:
            position = columns.get(key)
            return row[position].strip() if position is not None and position < len(row) else ""

        match = MONTH_RE.match(cell("month"))
        if not match:
            problems.add(
                file_name,
                f"строка {number}",
                header[columns["month"]],
                "месяц должен быть в виде ГГГГ-ММ или ММ.ГГГГ",
            )
            continue
        year, month = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        )
        if not 1 <= int(month) <= 12:
            problems.add(
                file_name, f"строка {number}", header[columns["month"]], "нет такого месяца"
            )
            continue
        try:
            hours = float(cell("hours").replace(",", ".").replace(" ", ""))
        except ValueError:
            problems.add(
                file_name, f"строка {number}", header[columns["hours"]], "часы должны быть числом"
            )
            continue
        if hours < 0:
            problems.add(
                file_name,
                f"строка {number}",
                header[columns["hours"]],
                "часы не могут быть отрицательными",
            )
            continue
        if not cell("teacher_id") and not cell("teacher"):
            problems.add(file_name, f"строка {number}", "", "не указан учитель")
            continue
        lines.append(
            PayrollLine(number, cell("teacher_id"), cell("teacher"), f"{year}-{month}", hours)
        )
    problems.raise_if_any()
    return tuple(lines)
