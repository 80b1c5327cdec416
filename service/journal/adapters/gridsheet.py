"""Read one grid table (an XLSX sheet or a CSV file) into a typed marks sheet or topics sheet.

The layout is documented in ``docs/grid-format.md``: a header block of «Ключ: значение» lines, then
a row of column headers, then one row per student (marks sheet) or per lesson (topics sheet).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.journal.adapters.gridcells import (
    CellError,
    ImpossibleDate,
    LessonCell,
    RawCell,
    check_in_year,
    clean,
    fold,
    parse_date,
    parse_lesson_cell,
    parse_period_mark,
    parse_work_type,
    period_column_key,
)
from service.journal.adapters.gridheader import Header, Where, has_header_keys, read_header
from service.journal.adapters.report import WarningCollector
from service.journal.errors import ProblemCollector
from service.journal.snapshot import WorkType

_FIO_LABELS = {
    "фио",
    "ф.и.о.",
    "ф. и. о.",
    "ученик",
    "обучающийся",
    "учащийся",
    "фамилия, имя",
    "фамилия имя",
    "фамилия, имя, отчество",
    "фамилия имя отчество",
}
_NUMBER_LABELS = {"№", "№ п/п", "n", "nn", "№п/п", "п/п", "номер"}
_IGNORED_LABELS = (
    "средний балл",
    "ср. балл",
    "ср.балл",
    "средняя",
    "средневзвешенный",
    "пропуск",
    "пропущено",
    "всего пропусков",
    "примечание",
    "уроков",
    "кол-во",
)
_FOOTER_WORDS = (
    "средний балл",
    "итого",
    "всего",
    "учитель",
    "подпись",
    "количество",
    "директор",
    "правильность",
)
_STATUS = re.compile(r"\(\s*(выб\w*|приб\w*)\.?\s*(\d{1,2}\.\d{1,2}\.\d{2,4})?\s*\)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class GridLesson:
    """A date column of a marks sheet; ``ordinal`` counts repeated dates (two lessons a day)."""

    label: str
    date: dt.date
    ordinal: int


@dataclass(frozen=True, slots=True)
class GridRow:
    """A student's row: cells by lesson index, and period marks by period id."""

    row: int
    fio: str
    cells: tuple[tuple[int, LessonCell], ...]
    period_marks: tuple[tuple[str, str, str], ...]  # (period id, value, column label)
    enrolled_on: dt.date | None = None
    left_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class MarksSheet:
    header: Header
    lessons: tuple[GridLesson, ...]
    rows: tuple[GridRow, ...]


@dataclass(frozen=True, slots=True)
class TopicRow:
    row: int
    date: dt.date
    number: int | None
    topic: str
    homework: str
    work_type: WorkType


@dataclass(frozen=True, slots=True)
class TopicsSheet:
    header: Header
    rows: tuple[TopicRow, ...]


@dataclass
class _Context:
    where: Where
    problems: ProblemCollector
    warnings: WarningCollector
    strict: bool  # an unrecognised table is an error (CSV) rather than a skipped sheet (XLSX)

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.add(
            self.where.file,
            self.where.at(row)
            if row
            else (f"лист «{self.where.sheet}»" if self.where.sheet else ""),
            f"столбец «{column}»" if column else "",
            message,
        )


def _is_fio_label(text: str) -> bool:
    folded = fold(text)
    return folded in _FIO_LABELS or folded.startswith(("фио", "ф.и.о", "ф. и. о"))


def _is_topic_label(text: str) -> bool:
    return fold(text).startswith("тема")


def _trim(row: Sequence[RawCell]) -> list[RawCell]:
    cells = list(row)
    while cells and clean(cells[-1]) == "":
        cells.pop()
    return cells


def _fio_and_status(text: str, start_year: int) -> tuple[str, dt.date | None, dt.date | None]:
    enrolled = left = None
    for match in _STATUS.finditer(text):
        day = parse_date(match.group(2), start_year) if match.group(2) else None
        if fold(match.group(1)).startswith("выб"):
            left = day
        else:
            enrolled = day
    return clean(_STATUS.sub("", text)), enrolled, left


def _header_label(value: RawCell) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.strftime("%d.%m")
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}"
    return clean(value)


_MONTHS = {
    "сен": 9,
    "окт": 10,
    "ноя": 11,
    "дек": 12,
    "янв": 1,
    "фев": 2,
    "мар": 3,
    "апр": 4,
    "май": 5,
    "мая": 5,
    "июн": 6,
    "июл": 7,
    "авг": 8,
}


def _months_above(above: list[RawCell] | None, width: int) -> dict[int, int]:
    """Column → month from a row of month names over the day numbers (merged over their days)."""
    months: dict[int, int] = {}
    current = None
    cells = above or []
    for index in range(width if cells else 0):
        text = fold(clean(cells[index])) if index < len(cells) else ""
        if text:
            current = _MONTHS.get(text[:3]) if text[:3] in _MONTHS else None
        if current is not None:
            months[index] = current
    return months


def _day_in_month(value: RawCell, month: int) -> str | None:
    """«02», 2, 2.0 under a month name → «02.09»; None if the cell is not a day number."""
    text = clean(value)
    if not text.isdigit() or not 1 <= int(text) <= 31:
        return None
    return f"{int(text):02d}.{month:02d}"


def _read_marks(
    header: Header,
    head: list[RawCell],
    head_row: int,
    body: list[tuple[int, list[RawCell]]],
    ctx: _Context,
    above: list[RawCell] | None = None,
) -> MarksSheet:
    single = header.periods[0].ref if len(header.periods) == 1 else None
    months = _months_above(above, len(head))
    fio_col = next(i for i, c in enumerate(head) if _is_fio_label(clean(c)))
    lessons: list[GridLesson] = []
    lesson_cols: dict[int, int] = {}
    period_cols: dict[int, tuple[str, str]] = {}
    seen: dict[dt.date, int] = {}
    for index, value in enumerate(head):
        label = _header_label(value)
        if index in months and (day_label := _day_in_month(value, months[index])):
            value = label = day_label  # two-row header: month names over day numbers
        folded = fold(label)
        if index == fio_col or folded in _NUMBER_LABELS:
            continue
        if not label:
            if any(index < len(cells) and clean(cells[index]) for _, cells in body):
                ctx.warnings.add(
                    ctx.where.file,
                    ctx.where.at(head_row),
                    f"столбец {index + 1}",
                    "столбец без заголовка пропущен",
                )
            continue
        key = period_column_key(label, single)
        if key is not None:
            period_cols[index] = (key, label)
            continue
        if folded.startswith(_IGNORED_LABELS):
            continue
        try:
            day = parse_date(value, header.start_year, header=True)
        except ImpossibleDate as exc:  # a date column with a typo: its marks must not vanish
            ctx.problem(head_row, label, str(exc))
            continue
        except CellError:
            ctx.warnings.add(
                ctx.where.file,
                ctx.where.at(head_row),
                f"столбец «{label}»",
                "столбец не распознан и пропущен",
            )
            continue
        try:
            check_in_year(day, header.start_year, label)
        except CellError as exc:
            ctx.problem(head_row, label, str(exc))
            continue
        seen[day] = seen.get(day, 0) + 1
        lesson_cols[index] = len(lessons)
        lessons.append(GridLesson(label, day, seen[day]))
    rows: list[GridRow] = []
    fio_rows: dict[str, int] = {}
    for number, cells in body:
        raw_fio = clean(cells[fio_col]) if fio_col < len(cells) else ""
        data = []
        for i, c in enumerate(cells):
            if i in lesson_cols or i in period_cols:
                text = clean(c)
                if text:
                    data.append((i, text))
        if not raw_fio:
            if data:
                ctx.problem(number, clean(head[fio_col]), "строка с отметками без ФИО обучающегося")
            continue
        if fold(raw_fio).startswith(_FOOTER_WORDS):
            continue
        try:
            fio, enrolled, left = _fio_and_status(raw_fio, header.start_year)
        except CellError as exc:
            ctx.problem(number, clean(head[fio_col]), str(exc))
            continue
        if len(fio.split()) < 2:
            ctx.problem(number, clean(head[fio_col]), "ФИО должно содержать хотя бы фамилию и имя")
            continue
        if fold(fio) in fio_rows:
            ctx.problem(
                number,
                clean(head[fio_col]),
                f"ФИО повторяет строку {fio_rows[fold(fio)]} этого листа",
            )
            continue
        fio_rows[fold(fio)] = number
        lesson_cells: list[tuple[int, LessonCell]] = []
        marks: list[tuple[str, str, str]] = []
        for index, text in data:
            if index in lesson_cols:
                try:
                    parsed = parse_lesson_cell(text)
                except CellError as exc:
                    ctx.problem(number, lessons[lesson_cols[index]].label, str(exc))
                    continue
                lesson_cells.append((lesson_cols[index], parsed))
            else:
                key, label = period_cols[index]
                try:
                    marks.append((key, parse_period_mark(text), label))
                except CellError as exc:
                    ctx.problem(number, label, str(exc))
        rows.append(GridRow(number, fio, tuple(lesson_cells), tuple(marks), enrolled, left))
    if not rows and not ctx.problems.full:
        ctx.warnings.add(
            ctx.where.file,
            ctx.where.title if ctx.where.sheet else "",
            "",
            "в таблице нет ни одного обучающегося",
        )
    return MarksSheet(header, tuple(lessons), tuple(rows))


_TOPIC_COLUMNS = (
    ("date", ("дата",)),
    ("number", ("№ урока", "урок №", "номер урока", "урок")),
    ("topic", ("тема",)),
    ("homework", ("домашнее", "д/з", "дз", "задание на дом")),
    ("work_type", ("вид работы", "тип работы", "вид контроля", "форма контроля")),
)


def _read_topics(
    header: Header,
    head: list[RawCell],
    head_row: int,
    body: list[tuple[int, list[RawCell]]],
    ctx: _Context,
) -> TopicsSheet:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, value in enumerate(head):
        label = clean(value)
        folded = fold(label)
        if not label or folded in _NUMBER_LABELS:
            continue
        role = next((r for r, prefixes in _TOPIC_COLUMNS if folded.startswith(prefixes)), None)
        if role is None or role in columns:
            ctx.warnings.add(
                ctx.where.file,
                ctx.where.at(head_row),
                f"столбец «{label}»",
                "столбец не распознан и пропущен",
            )
            continue
        columns[role], labels[role] = index, label
    if "date" not in columns:
        ctx.problem(head_row, "", "в таблице тем нет столбца «Дата»")
        return TopicsSheet(header, ())

    def text(cells: list[RawCell], role: str) -> str:
        index = columns.get(role)
        return clean(cells[index]) if index is not None and index < len(cells) else ""

    rows: list[TopicRow] = []
    for number, cells in body:
        if not any(clean(c) for c in cells):
            continue
        date_cell = cells[columns["date"]] if columns["date"] < len(cells) else None
        if clean(date_cell) == "":
            if text(cells, "topic") or text(cells, "homework"):
                ctx.problem(number, labels["date"], "у урока с темой не указана дата")
            continue
        try:
            day = parse_date(date_cell, header.start_year)
            check_in_year(day, header.start_year, labels["date"])
        except CellError as exc:
            if fold(clean(date_cell)).startswith(_FOOTER_WORDS):
                continue
            ctx.problem(number, labels["date"], str(exc))
            continue
        lesson_number: int | None = None
        if text(cells, "number"):
            try:
                lesson_number = int(float(text(cells, "number").replace(",", ".")))
            except ValueError:
                ctx.problem(
                    number, labels["number"], f"номер урока «{text(cells, 'number')}» не число"
                )
                continue
            if not 1 <= lesson_number <= 12:
                ctx.problem(number, labels["number"], f"номер урока {lesson_number} вне 1–12")
                continue
        work_text = text(cells, "work_type")
        work_type = parse_work_type(work_text)
        if work_type is None:
            ctx.warnings.add(
                ctx.where.file,
                ctx.where.at(number),
                f"столбец «{labels['work_type']}»",
                f"вид работы «{work_text}» не распознан — записан как «Другое»",
            )
            work_type = WorkType.OTHER
        rows.append(
            TopicRow(
                number, day, lesson_number, text(cells, "topic"), text(cells, "homework"), work_type
            )
        )
    return TopicsSheet(header, tuple(rows))


def read_table(
    rows: Sequence[Sequence[RawCell]],
    where: Where,
    problems: ProblemCollector,
    warnings: WarningCollector,
    strict: bool,
) -> MarksSheet | TopicsSheet | None:
    """Parse one table; None when it is not a journal table (a problem if ``strict``) or is bad."""
    ctx = _Context(where, problems, warnings, strict)
    numbered = [(i + 1, _trim(r)) for i, r in enumerate(rows)]
    place = f"лист «{where.sheet}»" if where.sheet else ""
    if not any(cells for _, cells in numbered):
        if strict:  # an empty CSV file is an error; the empty «Лист2» of a workbook is not
            problems.add(where.file, place, "", "таблица пуста")
        return None
    head_index = next(
        (
            k
            for k, (_, cells) in enumerate(numbered)
            if any(_is_fio_label(clean(c)) or _is_topic_label(clean(c)) for c in cells)
        ),
        None,
    )
    if head_index is None:
        message = (
            "не найдена строка заголовков таблицы (столбец «ФИО обучающегося» или «Тема урока»)"
        )
        if strict:
            problems.add(where.file, place, "", message)
        else:
            warnings.add(where.file, place, "", message + " — пропущено")
        return None
    head_row, head = numbered[head_index]
    is_marks = any(_is_fio_label(clean(c)) for c in head)
    needed = (
        ("year", "class_name", "subject", "teacher")
        if is_marks
        else ("year", "class_name", "subject")
    )
    if not strict and not has_header_keys(numbered[:head_index]):
        warnings.add(
            where.file,
            where.at(head_row),
            "",
            "над таблицей нет шапки журнала (Учебный год, Класс, Предмет) — лист пропущен",
        )
        return None
    header = read_header(
        numbered[:head_index], where, needed, lambda row, message: ctx.problem(row, "", message)
    )
    if header is None:
        return None
    body = numbered[head_index + 1 :]
    if is_marks:
        above = numbered[head_index - 1][1] if head_index > 0 else None
        return _read_marks(header, head, head_row, body, ctx, above)
    return _read_topics(header, head, head_row, body, ctx)
