"""Numbers: agreement of nouns, decimal comma, per cent."""

from __future__ import annotations

import pytest

from service.russian import plural, plural_word, ru_number, ru_percent

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 лет"),
        (1, "1 год"),
        (2, "2 года"),
        (3, "3 года"),
        (4, "4 года"),
        (5, "5 лет"),
        (11, "11 лет"),
        (12, "12 лет"),
        (14, "14 лет"),
        (21, "21 год"),
        (22, "22 года"),
        (25, "25 лет"),
        (101, "101 год"),
        (111, "111 лет"),
        (112, "112 лет"),
        (121, "121 год"),
        (1.5, "1,5 года"),
        ("3", "3 года"),
    ],
)
def test_years(n: object, expected: str) -> None:
    assert plural(n, "год") == expected


@pytest.mark.parametrize(
    ("n", "noun", "expected"),
    [
        (1, "документ", "1 документ"),
        (3, "документ", "3 документа"),
        (5, "документ", "5 документов"),
        (11, "документ", "11 документов"),
        (21, "документ", "21 документ"),
        (111, "документ", "111 документов"),
        (3, "человек", "3 человека"),
        (5, "человек", "5 человек"),
        (2, "неделя", "2 недели"),
        (1.5, "час", "1,5 часа"),
        (0.5, "час", "0,5 часа"),
        (2, "учебный час", "2 учебных часа"),
        (5, "учебный час", "5 учебных часов"),
        (1, "учебный час", "1 учебный час"),
        (1.5, "учебный час", "1,5 учебного часа"),
        (14, "отметка", "14 отметок"),
        (23, "отметка", "23 отметки"),
    ],
)
def test_any_noun(n: object, noun: str, expected: str) -> None:
    assert plural(n, noun) == expected


def test_word_only() -> None:
    assert plural_word(5, "год") == "лет"


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (0.7, 1, "0,7"),
        (5.94, 1, "5,9"),
        (2.5, 2, "2,50"),
        (1234, None, "1234"),
        (12345.678, 2, f"12{NBSP}345,68"),
        (0.1 + 0.2, None, "0,3"),
        ("0,7", 1, "0,7"),
        (-12000, None, f"-12{NBSP}000"),
    ],
)
def test_ru_number(value: object, digits: int | None, expected: str) -> None:
    assert ru_number(value, digits) == expected


def test_percent() -> None:
    assert ru_percent(5.9) == f"5,9{NBSP}%"
    assert ru_percent(0.7) == f"0,7{NBSP}%"
    assert ru_percent(100.0) == f"100{NBSP}%"


def test_not_a_number_is_a_russian_error() -> None:
    with pytest.raises(ValueError, match="ожидается число"):
        plural("три", "год")
