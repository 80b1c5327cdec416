"""Single values of OneRoster exports: dates in their many spellings, course titles."""

from __future__ import annotations

import datetime as dt

import pytest

from service.journal.adapters.oneroster_csv import BadDate, parse_date, parse_moment
from service.journal.adapters.oneroster_roster import subject_name


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2023-05-01", dt.date(2023, 5, 1)),
        ("2023-05-01T00:00:00Z", dt.date(2023, 5, 1)),
        ("2023-05-01T23:30:00.000+03:00", dt.date(2023, 5, 1)),
        ("1/05/2023", dt.date(2023, 1, 5)),  # US: month first
        ("9/2/2024", dt.date(2024, 9, 2)),
        ("25/12/2024", dt.date(2024, 12, 25)),  # the first number cannot be a month: day first
        ("05.01.2023", dt.date(2023, 1, 5)),  # Russian: day first
        (" 2024-09-02 ", dt.date(2024, 9, 2)),
    ],
)
def test_dates(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "дата не указана"),
        ("2/30/2024", "дата «2/30/2024» не существует"),
        ("вчера", "«вчера» не является датой (ожидается ГГГГ-ММ-ДД или М/Д/ГГГГ)"),
    ],
)
def test_bad_dates(text, message):
    with pytest.raises(BadDate) as caught:
        parse_date(text)
    assert str(caught.value) == message


def test_moments_need_a_time():
    assert parse_moment("2024-09-02") is None
    assert parse_moment("2024-09-02T08:00:00Z") == dt.datetime(2024, 9, 2, 8, tzinfo=dt.UTC)
    assert parse_moment("2024-09-02T08:00:00").tzinfo is dt.UTC


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Математика, 5 класс", "Математика"),
        ("Алгебра 7", "Алгебра"),
        ("Английский язык (10 класс)", "Английский язык"),
        ("Физическая культура 11-й класс", "Физическая культура"),
        ("ОБЗР", "ОБЗР"),
    ],
)
def test_subject_names_drop_the_grade(title, name):
    assert subject_name(title) == name
