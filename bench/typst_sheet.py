"""The journal printout set in Typst, as a yardstick for the WeasyPrint figures of bench.render.

Typst comes from the pip package ``typst`` (the Python binding, a Rust wheel; in the ``dev``
extra). It is not a renderer of Vedomost: the sheet in ``printout.typ`` has the same page, font,
columns and content as the HTML template, without PDF/A attachments and signature fields.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from service.documents.kinds.journal_printout import PrintoutData, split_columns
from service.documents.render import FONT_DIR

TEMPLATE = Path(__file__).resolve().parent / "printout.typ"


def sheet(data: PrintoutData) -> dict[str, Any]:
    """The template's input: the printout's data cut into the same page-width chunks."""
    m = data.meta
    chunks = split_columns(data.columns)
    many = len(chunks) > 1
    return {
        "school": m.school_name,
        "title": m.title,
        "subtitle": f"за {m.period_name} {m.year_id} учебного года",
        "issued": m.issued_on.strftime("%d.%m.%Y"),
        "data_on": f"данные журнала на {m.data_on:%d.%m.%Y}" if m.data_on else "",
        "place": m.place,
        "class": m.class_id,
        "subject": data.subject,
        "teacher": data.teacher,
        "hours": f"{data.hours_per_week:g}".replace(".", ","),
        "period": m.period_name,
        "planned": data.lessons_planned,
        "held": data.lessons_held,
        "director": m.director,
        "footer": f"Документ {m.document_id} · снимок журнала {m.snapshot_id[:12]}",
        "chunks": [
            {
                "last": c.last,
                "marks_label": "Лицевая сторона"
                + (f", лист {c.number} из {len(chunks)}" if many else "")
                + ": отметки и посещаемость",
                "topics_label": "Оборотная сторона"
                + (f", лист {c.number} из {len(chunks)}" if many else "")
                + ": содержание уроков",
                "months": [list(x) for x in c.months],
                "days": [col.date.day for col in c.columns],
                "rows": [
                    {
                        "number": r.number,
                        "name": r.name + (f" ({r.left_note})" if r.left_note else ""),
                        "cells": list(r.cells[c.first : c.first + len(c.columns)]),
                        "pm": r.period_mark,
                    }
                    for r in data.rows
                ],
                "topics": [
                    {
                        "n": c.first + i + 1,
                        "date": t.date.strftime("%d.%m.%Y"),
                        "topic": t.topic + (f" (замена: {t.substitute})" if t.substitute else ""),
                        "homework": t.homework,
                        "work_type": t.work_type,
                    }
                    for i, t in enumerate(data.topics[c.first : c.first + len(c.columns)])
                ],
            }
            for c in chunks
        ],
    }


class TypstSheet:
    """A Typst compiler kept warm across sheets, like a rendering worker keeps WeasyPrint warm."""

    def __init__(self) -> None:
        import typst  # optional: only this yardstick needs it

        self._source = TEMPLATE.read_bytes()
        self._compiler = typst.Compiler(font_paths=[str(FONT_DIR)], ignore_system_fonts=True)

    def render(self, data: PrintoutData) -> bytes:
        """The sheet as PDF/A-3b bytes."""
        pdf = self._compiler.compile(
            input=self._source,
            format="pdf",
            sys_inputs={"sheet": json.dumps(sheet(data), ensure_ascii=False)},
            pdf_standards="a-3b",
        )
        assert isinstance(pdf, bytes)
        return pdf


def measure(first: PrintoutData, sheets: list[PrintoutData]) -> tuple[float, list[float], bytes]:
    """CPU seconds of the first sheet (compiler start included) and of each later sheet.

    Typst lays out on several threads; ``time.process_time`` counts all of them. The later
    sheets should differ from each other: Typst memoizes layout across compilations, so the same
    sheet again costs next to nothing.
    """
    c0 = time.process_time()
    yardstick = TypstSheet()
    pdf = yardstick.render(first)
    cold = time.process_time() - c0
    warm = []
    for data in sheets:
        c0 = time.process_time()
        pdf = yardstick.render(data)
        warm.append(time.process_time() - c0)
    return cold, warm, pdf
