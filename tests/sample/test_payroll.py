"""The sample payroll export: most months agree with the journal, some carry differences."""

from __future__ import annotations

from typing import Any

from service.documents.payroll import parse_payroll
from service.sample.payroll import (
    mismatched_months,
    months_with_substitutions,
    paid_hours,
    payroll_csv,
)


def _parsed(doc: dict[str, Any], month: str) -> dict[str, float]:
    lines = parse_payroll(payroll_csv(doc, month), f"tabel-{month}.csv")
    assert all(line.month == month for line in lines)
    return {line.teacher_id: line.hours for line in lines}


def test_matching_months_equal_the_journal_and_others_differ(
    sample_school_dict: dict[str, Any],
) -> None:
    months = months_with_substitutions(sample_school_dict)
    wrong = mismatched_months(sample_school_dict)
    assert months and wrong and set(wrong) < set(months)
    for month in months:
        journal = paid_hours(sample_school_dict, month)
        if month in wrong:
            assert _parsed(sample_school_dict, month) != journal
        else:
            assert _parsed(sample_school_dict, month) == journal


def test_export_is_windows_1251_with_semicolons(sample_school_dict: dict[str, Any]) -> None:
    month = months_with_substitutions(sample_school_dict)[0]
    data = payroll_csv(sample_school_dict, month)
    text = data.decode("cp1251")
    assert text.startswith("табельный номер;ФИО;месяц;оплачено часов\r\n")
    assert payroll_csv(sample_school_dict, month) == data
