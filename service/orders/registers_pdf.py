"""Printable registers as PDF/A-3b (WeasyPrint): the order register and the consent register."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, select_autoescape
from weasyprint import HTML

_env = Environment(
    loader=PackageLoader("service.orders", "templates"), autoescape=select_autoescape(["html"])
)


@dataclass(frozen=True)
class Row:
    """One table row: cell texts and a CSS class."""

    cells: tuple[str, ...]
    css: str = ""


@dataclass(frozen=True)
class Table:
    """A printable register: headings, rows and an optional totals line."""

    school: str
    title: str
    subtitle: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    document_id: str
    totals: str = ""


def table_pdf(table: Table, made_on: dt.date | None = None) -> bytes:
    """Render a register table as PDF/A-3b."""
    html = _env.get_template("register.html").render(
        school=table.school,
        title=table.title,
        subtitle=table.subtitle,
        headers=table.headers,
        rows=table.rows,
        totals=table.totals,
        document_id=table.document_id,
        made_on=(made_on or dt.date.today()).strftime("%d.%m.%Y"),
    )
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")
    assert pdf is not None
    return pdf
