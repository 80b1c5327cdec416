"""The header block of a grid table: «Ключ: значение» lines naming school, year, class, subject."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from service.journal.adapters.gridcells import (
    CellError,
    PeriodRef,
    RawCell,
    clean,
    fold,
    parse_date,
    parse_period_ref,
    parse_school_year,
)

HEADER_KEYS = {
    "школа": "school",
    "образовательная организация": "school",
    "оо": "school",
    "организация": "school",
    "учреждение": "school",
    "учебный год": "year",
    "год": "year",
    "класс": "class_name",
    "предмет": "subject",
    "учебный предмет": "subject",
    "дисциплина": "subject",
    "учитель": "teacher",
    "преподаватель": "teacher",
    "педагог": "teacher",
    "период": "period",
    "учебный период": "period",
    "периоды": "period",
    "группа": "group",
    "подгруппа": "group",
    "директор": "director",
    "классный руководитель": "class_teacher",
    "часов в неделю": "hours",
    "часов в неделю по плану": "hours",
    "дата выгрузки": "exported",
    "дата формирования": "exported",
    "сформировано": "exported",
    "адрес": "address",
    "адрес школы": "address",
}
_HEADER_LABELS = {
    "school": "Школа",
    "year": "Учебный год",
    "class_name": "Класс",
    "subject": "Предмет",
    "teacher": "Учитель",
    "period": "Период",
}
_CLASS = re.compile(r"^(\d{1,2})\s*[-–\s]?\s*[\"«]?([а-яё])[\"»]?(?:\s*класс)?$", re.IGNORECASE)
_PERIOD_DATES = re.compile(
    r"\(?\s*(\d{1,2}\.\d{1,2}\.\d{2,4})\s*[-–—]\s*(\d{1,2}\.\d{1,2}\.\d{2,4})\s*\)?"
)


@dataclass(frozen=True, slots=True)
class Where:
    """Where a table came from: the file the user gave, and the sheet inside a workbook."""

    file: str
    sheet: str | None = None

    def at(self, row: int) -> str:
        """«строка 14» or «лист «5А», строка 14»."""
        return f"лист «{self.sheet}», строка {row}" if self.sheet else f"строка {row}"

    @property
    def title(self) -> str:
        return f"{self.file}, лист «{self.sheet}»" if self.sheet else self.file


@dataclass(frozen=True, slots=True)
class PeriodSpec:
    """A period named in a header, with dates when the header gives them."""

    ref: PeriodRef
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Header:
    """The header block of a sheet: raw values by key, the row of each, and what was parsed."""

    where: Where
    values: dict[str, str]
    rows: dict[str, int]
    start_year: int
    class_id: str
    grade: int
    letter: str
    periods: tuple[PeriodSpec, ...]

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    def at(self, key: str) -> str:
        return self.where.at(self.rows.get(key, 1))


def _header_entry(cells: list[RawCell]) -> tuple[str, str] | None:
    texts = [clean(c) for c in cells]
    filled = [t for t in texts if t]
    if not filled:
        return None
    first = filled[0]
    if ":" in first and first.split(":", 1)[1].strip():
        key, value = first.split(":", 1)
        return fold(key).rstrip(" :"), value.strip()
    value = filled[1] if len(filled) > 1 else ""
    return fold(first).rstrip(" :"), value


def has_header_keys(block: list[tuple[int, list[RawCell]]]) -> bool:
    """Whether any line of ``block`` is a journal header key (a class list sheet has none)."""
    return any(
        (e := _header_entry(cells)) is not None and e[0] in HEADER_KEYS for _, cells in block
    )


def parse_class_name(text: str) -> tuple[int, str]:
    """«5А», «5 А», «5-а», «10 «Б» класс» → (grade, letter)."""
    match = _CLASS.match(clean(text))
    if not match or not 1 <= int(match.group(1)) <= 11:
        raise CellError(f"класс «{clean(text)}» не распознан (ожидается, например, 5А)")
    return int(match.group(1)), match.group(2).upper()


def parse_periods(text: str, start_year: int) -> tuple[PeriodSpec, ...]:
    """«1 четверть (02.09.2024–27.10.2024); 2 четверть» → specs; «2024/2025 учебный год» → ()."""
    specs: list[PeriodSpec] = []
    for part in re.split(r"[;\n]", text):
        part = clean(part)
        if not part:
            continue
        ref = parse_period_ref(part)
        if ref is None:
            if "год" in fold(part):
                continue
            raise CellError(
                f"период «{part}» не распознан (ожидается, например, «1 четверть», "
                "«2 полугодие», «3 триместр» или «учебный год»)"
            )
        dates = _PERIOD_DATES.search(part)
        start = end = None
        if dates:
            start = parse_date(dates.group(1), start_year)
            end = parse_date(dates.group(2), start_year)
            if end < start:
                raise CellError(f"период «{part}»: дата окончания раньше даты начала")
        specs.append(PeriodSpec(ref, start, end))
    return tuple(specs)


def read_header(
    block: list[tuple[int, list[RawCell]]],
    where: Where,
    needed: tuple[str, ...],
    problem: Callable[[int, str], None],
) -> Header | None:
    """Parse the lines above the column headers; report problems as (row, message)."""
    values: dict[str, str] = {}
    rows: dict[str, int] = {}
    for number, cells in block:
        entry = _header_entry(cells)
        if entry is None or entry[0] not in HEADER_KEYS:
            continue
        key = HEADER_KEYS[entry[0]]
        if key not in values:
            values[key], rows[key] = entry[1], number
    ok = True
    for key in needed:
        if not values.get(key):
            problem(0, f"в шапке не указано «{_HEADER_LABELS[key]}»")
            ok = False
    if not ok:
        return None
    try:
        start_year = parse_school_year(values["year"])
    except CellError as exc:
        problem(rows["year"], str(exc))
        return None
    try:
        grade, letter = parse_class_name(values["class_name"])
    except CellError as exc:
        problem(rows["class_name"], str(exc))
        return None
    periods: tuple[PeriodSpec, ...] = ()
    if values.get("period"):
        try:
            periods = parse_periods(values["period"], start_year)
        except CellError as exc:
            problem(rows["period"], str(exc))
            return None
    return Header(where, values, rows, start_year, f"{grade}{letter}", grade, letter, periods)
