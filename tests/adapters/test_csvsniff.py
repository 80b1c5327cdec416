"""Encoding and delimiter detection for Russian CSV exports."""

from __future__ import annotations

import codecs

import pytest

from service.journal.adapters.csvsniff import NotCsv, read_csv

TABLE = [
    ["Класс:", "5А", ""],
    ["№", "ФИО обучающегося", "02.09"],
    ["1", "Ёлкин Пётр Ильич", "5/4"],
    ["2", "Щукина Юлия Эдуардовна", "Н"],
]


def _encode(rows, delimiter, encoding, bom=b""):
    text = "\r\n".join(delimiter.join(r) for r in rows)
    return bom + text.encode(encoding)


def test_cp1251_with_semicolons():
    """GIVEN Excel's cp1251 `;` export WHEN sniffed THEN cp1251 and `;` are detected."""
    parsed = read_csv(_encode(TABLE, ";", "cp1251"))
    assert (parsed.encoding, parsed.delimiter) == ("cp1251", ";")
    assert parsed.rows == TABLE


def test_utf8_bom_with_commas():
    data = _encode(
        [
            ["Класс:", "5А", ""],
            ["№", "ФИО обучающегося", "02.09"],
            ["1", "Ёлкин Пётр Ильич", '"5,4"'],
        ],
        ",",
        "utf-8",
        codecs.BOM_UTF8,
    )
    parsed = read_csv(data)
    assert (parsed.encoding, parsed.delimiter) == ("utf-8-sig", ",")
    assert parsed.rows[2] == ["1", "Ёлкин Пётр Ильич", "5,4"]
    assert parsed.rows[0][0] == "Класс:"  # no BOM left on the first cell


def test_utf8_without_bom_with_semicolons_and_commas_in_values():
    rows = [["Школа:", "МБОУ «СОШ № 1», г. Тверь"], *TABLE[1:]]
    parsed = read_csv(_encode(rows, ";", "utf-8"))
    assert (parsed.encoding, parsed.delimiter) == ("utf-8", ";")
    assert parsed.rows[0] == ["Школа:", "МБОУ «СОШ № 1», г. Тверь"]


def test_excel_unicode_text_is_utf16_with_tabs():
    parsed = read_csv(_encode(TABLE, "\t", "utf-16"))
    assert (parsed.encoding, parsed.delimiter) == ("utf-16", "\t")
    assert parsed.rows == TABLE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "файл пуст"),
        (b"\r\n \r\n", "файл пуст"),
        (b"\x00\x01\x02\x03" * 100, "файл двоичный, а не текстовый CSV"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64,
            "это не CSV, а книга Excel 97–2003 (XLS) — сохраните её как XLSX или CSV",
        ),
        (
            codecs.BOM_UTF8 + b"\xff\xfe broken",
            "файл с меткой UTF-8 содержит неверные байты (позиция 0)",
        ),
    ],
)
def test_not_csv(data, message):
    with pytest.raises(NotCsv) as caught:
        read_csv(data)
    assert str(caught.value) == message
