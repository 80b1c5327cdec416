"""Order numbering: per school, year and register, configurable formats, never a duplicate."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import IntegrityError, connection, connections, transaction

from service.orders.models import RegisterCounter, RegisterEntry
from service.orders.numbering import (
    NumberingError,
    issue_number,
    order_register_pdf,
    set_number_format,
    validate_pattern,
)

DAY = dt.date(2026, 9, 1)


def issue(school: str = "sch-1", year: str = "2026/2027", register: str = "main") -> str:
    return issue_number(
        school, year, register, date=DAY, title="О тестовом приказе", kind="intro-journal"
    ).number


@pytest.mark.django_db
def test_numbers_run_per_school_year_and_register_with_formats() -> None:
    set_number_format("sch-1", "main", "{seq}/4")
    assert [issue() for _ in range(3)] == ["1/4", "2/4", "3/4"]
    assert issue(register="students") == "1-у"  # default format of the students register
    assert issue(school="sch-2") == "1"
    assert issue(year="2027/2028") == "1/4"
    set_number_format("sch-1", "students", "{yy}-{seq}-у")
    assert issue(register="students") == "26-2-у"


def test_bad_formats_are_refused_in_russian() -> None:
    with pytest.raises(NumberingError, match=r"\{seq\}"):
        validate_pattern("приказ")
    with pytest.raises(NumberingError, match="неизвестную подстановку"):
        validate_pattern("{seq}/{letter}")


@pytest.mark.django_db
def test_database_refuses_a_duplicate_number() -> None:
    issue()
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterEntry.objects.create(
            school_id="sch-1",
            year_id="2026/2027",
            register="main",
            seq=99,
            number="1",
            date=DAY,
            title="дубль",
            kind="intro-journal",
        )


@pytest.mark.django_db
def test_a_counter_out_of_step_never_yields_a_used_number() -> None:
    """GIVEN the counter was reset (e.g. an old backup) WHEN issuing THEN no duplicate."""
    for _ in range(3):
        issue()
    RegisterCounter.objects.update(last=0)
    assert issue() == "4"


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_never_gives_the_same_number() -> None:
    """Eight threads, each with its own database connection, issue 5 numbers at once.

    On PostgreSQL this exercises SELECT … FOR UPDATE and the unique constraint; on SQLite the
    database lock and the retry. Either way every number is distinct and the sequence has no gaps.
    """
    threads, per_thread = 8, 5
    barrier = threading.Barrier(threads)
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(per_thread):
                number = issue(school="race", year="2026/2027")
                with lock:
                    results.append(number)
        except BaseException as exc:  # report to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not errors, errors
    assert len(results) == threads * per_thread
    assert Counter(results).most_common(1)[0][1] == 1, "a number was issued twice"
    assert sorted(int(n) for n in results) == list(range(1, threads * per_thread + 1))
    assert RegisterEntry.objects.filter(school_id="race").count() == threads * per_thread
    assert connection.vendor in ("postgresql", "sqlite")


@pytest.mark.django_db
def test_register_prints_as_pdfa_with_every_line() -> None:
    import io

    import pypdf

    from service.orders.pdfa import pdfa_info

    for _ in range(3):
        issue()
    pdf = order_register_pdf("МБОУ «СОШ № 7»", "sch-1", "2026/2027", "main")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Книга регистрации приказов по основной деятельности" in text
    assert "Всего приказов: 3" in text and "О тестовом приказе" in text
    info = pdfa_info(pdf)
    assert (info.part, info.conformance) == ("3", "B")
