"""Reading single grid cells: marks, codes, period marks, dates, names."""

from __future__ import annotations

import datetime as dt

import pytest

from service.journal.adapters.gridcells import (
    CellError,
    LessonCell,
    guess_sex,
    parse_date,
    parse_lesson_cell,
    parse_period_mark,
    period_column_key,
    split_fio,
)
from service.journal.snapshot import AttendanceCode, PeriodKind

A = AttendanceCode


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", LessonCell()),
        ("5", LessonCell(("5",))),
        ("5.0", LessonCell(("5",))),
        ("4,0", LessonCell(("4",))),
        ("5/4", LessonCell(("5", "4"))),
        ("5 4", LessonCell(("5", "4"))),
        ("5,4", LessonCell(("5", "4"))),
        ("Н", LessonCell((), A.ABSENT)),
        ("н", LessonCell((), A.ABSENT)),
        ("H", LessonCell((), A.ABSENT)),  # Latin H typed on an English layout
        ("Б", LessonCell((), A.ILL)),
        ("У", LessonCell((), A.EXCUSED)),
        ("О5", LessonCell(("5",), A.LATE)),
        ("5О", LessonCell(("5",), A.LATE)),
        ("О5/4", LessonCell(("5", "4"), A.LATE)),
        ("\u00a05\u00a0", LessonCell(("5",))),
    ],
)
def test_lesson_cells(text, expected):
    assert parse_lesson_cell(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("6", "отметка «6» вне шкалы 1–5"),
        ("0", "отметка «0» вне шкалы 1–5"),
        ("10", "отметка «10» вне шкалы 1–5"),
        ("Х", "неизвестный код посещаемости «Х» (допустимы Н, Б, У, О)"),
        ("НБ", "в ячейке «НБ» больше одного кода посещаемости"),
        ("4-", "не удалось прочитать «4-»: ожидаются отметки 1–5 и коды посещаемости Н, Б, У, О"),
    ],
)
def test_bad_lesson_cells(text, message):
    with pytest.raises(CellError) as caught:
        parse_lesson_cell(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5", "5"),
        ("5.0", "5"),
        ("зач", "зач"),
        ("Зачтено", "зач"),
        ("незачёт", "незач"),
        ("осв.", "осв"),
        ("Освобождена", "осв"),
        ("н/а", "н/а"),
        ("Н/А", "н/а"),
        ("н\\а", "н/а"),
        ("безотм", "безотм"),
        ("б/о", "безотм"),
    ],
)
def test_period_marks(text, value):
    assert parse_period_mark(text) == value


@pytest.mark.parametrize(
    ("label", "single", "key"),
    [
        ("1 четв.", None, "Q1"),
        ("IV четверть", None, "Q4"),
        ("2-е полугодие", None, "H2"),
        ("3 трим.", None, "T3"),
        ("Год", None, "year"),
        ("Годовая", None, "year"),
        ("Экз.", None, "exam"),
        ("Итоговая", None, "final"),
        ("Итог. отм.", None, "final"),
        ("Итог", "Q2", "Q2"),
        ("Итог", None, "final"),
        ("Ср. балл", None, None),
        ("5 четверть", None, None),
    ],
)
def test_period_columns(label, single, key):
    from service.journal.adapters.gridcells import PeriodRef

    ref = PeriodRef(PeriodKind.QUARTER, int(single[1])) if single else None
    assert period_column_key(label, ref) == key


@pytest.mark.parametrize(
    ("value", "header", "expected"),
    [
        ("12.09", False, dt.date(2024, 9, 12)),
        ("14.01", False, dt.date(2025, 1, 14)),
        ("3.2", False, dt.date(2025, 2, 3)),
        ("12.09.2024", False, dt.date(2024, 9, 12)),
        ("12.09.24", False, dt.date(2024, 9, 12)),
        (dt.datetime(2024, 9, 12), False, dt.date(2024, 9, 12)),
        (12.09, True, dt.date(2024, 9, 12)),  # Excel turned «12.09» into a number
        (1.1, True, dt.date(2024, 10, 1)),  # «01.10» stored as 1.1
        (45547, True, dt.date(2024, 9, 12)),  # an Excel serial without a date format
    ],
)
def test_dates(value, header, expected):
    assert parse_date(value, 2024, header=header) == expected


def test_impossible_date():
    with pytest.raises(CellError, match=r"дата «31\.02» не существует"):
        parse_date("31.02", 2024)


@pytest.mark.parametrize(
    ("text", "parts", "sex"),
    [
        ("Иванов Иван Иванович", ("Иванов", "Иван", "Иванович"), "M"),
        ("Петрова  Анна\u00a0Сергеевна", ("Петрова", "Анна", "Сергеевна"), "F"),
        ("Алиев Рашад Эльдар оглы", ("Алиев", "Рашад", "Эльдар оглы"), "M"),
        ("Мамедова Айгюль Рашид кызы", ("Мамедова", "Айгюль", "Рашид кызы"), "F"),
        ("Ким Анна", ("Ким", "Анна", ""), "F"),
        ("Ким Никита", ("Ким", "Никита", ""), "M"),
        ("Салтыков-Щедрин Михаил Евграфович", ("Салтыков-Щедрин", "Михаил", "Евграфович"), "M"),
    ],
)
def test_names(text, parts, sex):
    assert split_fio(text) == parts
    assert guess_sex(*parts) == sex
