"""Order numbers: one register per school, year and register kind; never the same number twice.

Issuing locks the register's counter row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's write lock
does the same), and the register table carries unique constraints on the sequence and the formatted
number, so even a counter out of step cannot produce a duplicate: the insert fails and is retried.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max

from service.errors import EXIT_INTERNAL, UserError
from service.orders.kind import Register
from service.orders.models import IssuedDocument, NumberFormat, RegisterCounter, RegisterEntry

MAX_ATTEMPTS = 20
PLACEHOLDERS = ("seq", "year", "yy", "month")
DEFAULT_NUMBER_FORMATS: dict[str, str] = {Register.MAIN: "{seq}", Register.STUDENTS: "{seq}-у"}
"""Number formats of a school that set none; placeholders as in :data:`PLACEHOLDERS`."""


class NumberingError(UserError):
    """A number could not be issued or a format is invalid; the message is in Russian."""

    exit_code = EXIT_INTERNAL  # the register, not the command line, is at fault


@dataclass(frozen=True)
class IssuedNumber:
    """A number taken from a register."""

    register: str
    seq: int
    number: str
    entry_id: int


def validate_pattern(pattern: str) -> str:
    """Check a number format such as «{seq}/4» or «{seq}-у»; return it."""
    if "{seq}" not in pattern:
        raise NumberingError("формат номера должен содержать {seq} — порядковый номер")
    try:
        pattern.format(seq=1, year=2025, yy="25", month="09")
    except (KeyError, IndexError, ValueError) as exc:
        raise NumberingError(
            f"формат номера «{pattern}» содержит неизвестную подстановку: {exc}; "
            f"допустимы {{{'}, {'.join(PLACEHOLDERS)}}}"
        ) from None
    return pattern


def set_number_format(school_id: str, register: Register | str, pattern: str) -> None:
    """Set the school's number format for a register."""
    NumberFormat.objects.update_or_create(
        school_id=school_id, register=str(register), defaults={"pattern": validate_pattern(pattern)}
    )


def number_format(school_id: str, register: Register | str) -> str:
    """The school's number format for a register (a default when none is set)."""
    row = NumberFormat.objects.filter(school_id=school_id, register=str(register)).first()
    return row.pattern if row else DEFAULT_NUMBER_FORMATS[str(register)]


def format_number(pattern: str, seq: int, date: dt.date) -> str:
    """Apply a number format."""
    return pattern.format(
        seq=seq, year=date.year, yy=f"{date.year % 100:02d}", month=f"{date.month:02d}"
    )


def next_number(school_id: str, year_id: str, register: Register | str, date: dt.date) -> str:
    """The number :func:`issue_number` would give now, taking nothing (no lock, no write).

    A document is rendered with it outside any transaction; :func:`issue_number` then says
    whether another document took it meanwhile.
    """
    register = str(register)
    last = (
        RegisterCounter.objects.filter(school_id=school_id, year_id=year_id, register=register)
        .values_list("last", flat=True)
        .first()
    )
    used = RegisterEntry.objects.filter(
        school_id=school_id, year_id=year_id, register=register
    ).aggregate(m=Max("seq"))["m"]
    return format_number(number_format(school_id, register), max(last or 0, used or 0) + 1, date)


def issue_number(
    school_id: str,
    year_id: str,
    register: Register | str,
    *,
    date: dt.date,
    title: str,
    kind: str,
    issued_by: str = "",
    document: IssuedDocument | None = None,
) -> IssuedNumber:
    """Take the next number of the register and write its register line; safe under concurrency."""
    register = str(register)
    pattern = number_format(school_id, register)
    last_error: Exception | None = None
    for attempt in range(MAX_ATTEMPTS):
        try:
            with transaction.atomic():
                counter, _ = RegisterCounter.objects.select_for_update().get_or_create(
                    school_id=school_id, year_id=year_id, register=register
                )
                used = RegisterEntry.objects.filter(
                    school_id=school_id, year_id=year_id, register=register
                ).aggregate(m=Max("seq"))["m"]
                seq = max(counter.last, used or 0) + 1
                counter.last = seq
                counter.save(update_fields=["last"])
                entry = RegisterEntry.objects.create(
                    school_id=school_id,
                    year_id=year_id,
                    register=register,
                    seq=seq,
                    number=format_number(pattern, seq, date),
                    date=date,
                    title=title[:300],
                    kind=kind,
                    document=document,
                    issued_by=issued_by,
                )
                return IssuedNumber(register, seq, entry.number, entry.pk)
        except (IntegrityError, OperationalError) as exc:
            # A concurrent issuer won the row (IntegrityError) or SQLite was busy: retry.
            last_error = exc
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))
    raise NumberingError(
        f"не удалось выдать номер приказа после {MAX_ATTEMPTS} попыток: {type(last_error).__name__}"
    )


def register_entries(school_id: str, year_id: str, register: Register | str) -> list[RegisterEntry]:
    """The register's lines in order."""
    return list(
        RegisterEntry.objects.filter(school_id=school_id, year_id=year_id, register=str(register))
        .select_related("document")
        .order_by("seq")
    )


def order_register_pdf(
    school_name: str, school_id: str, year_id: str, register: Register | str
) -> bytes:
    """The order register of a year as PDF/A-3b (книга регистрации приказов)."""
    from service.orders.registers_pdf import Row, Table, table_pdf

    rows = tuple(
        Row(
            (
                str(e.seq),
                e.number,
                e.date.strftime("%d.%m.%Y"),
                e.title,
                e.document.template_label if e.document else "",
                e.document.document_id if e.document else "",
            )
        )
        for e in register_entries(school_id, year_id, register)
    )
    label = Register(register).label
    return table_pdf(
        Table(
            school=school_name,
            title=f"Книга регистрации приказов {label}",
            subtitle=f"{year_id} учебный год",
            headers=("№ п/п", "Номер", "Дата", "Заголовок", "Шаблон", "Идентификатор документа"),
            rows=rows,
            document_id=f"order-register-{school_id}-{year_id.replace('/', '-')}-{register}",
            totals=f"Всего приказов: {len(rows)}.",
        )
    )
