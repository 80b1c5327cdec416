"""The year's inventory: every archived version of the year, its CSV inside the PDF/A-3b."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pikepdf
from pypdf import PdfReader

from storage.archive import Archive
from storage.year_inventory import (
    CSV_NAME,
    YEAR_INVENTORY,
    content_key,
    inventory_rows,
    render_inventory,
)
from tests.storage.helpers import doc_bytes, meta


def test_inventory_lists_each_version_of_the_year_and_embeds_its_csv(archive: Archive) -> None:
    """GIVEN two documents of 2025/2026 (one corrected), one of another year and the archive's
    own records WHEN the inventory is drawn up THEN it lists the three versions of the year with
    the Russian kind title and retention, and the PDF/A-3b carries the same rows as CSV."""
    archive.archive(doc_bytes(1), meta("yi-1"), "year-statement")
    archive.archive(doc_bytes(2), meta("yi-2", class_id=""), "honours-list")
    archive.correct("yi-2", doc_bytes(3), reason="опечатка", author="staff-1")
    archive.archive(doc_bytes(4), meta("yi-3", year="2024/2025"), "year-statement")
    archive.archive(doc_bytes(5), meta("yi-4"), YEAR_INVENTORY)
    rows = inventory_rows(
        archive, school="sch-1", year="2025/2026", period_names={"q1": "1 четверть"}
    )
    assert all(r.period == "1 четверть" for r in rows)
    assert [(r.document_id, r.version) for r in rows] == [("yi-2", 1), ("yi-2", 2), ("yi-1", 1)]
    statement = rows[-1]
    assert statement.title.startswith("Сводная ведомость итоговых отметок")
    assert statement.retention == "25 лет" and statement.class_id == "cls-7a"
    assert statement.archived_on.count(".") == 2

    pdf = render_inventory(
        rows,
        school_name="МБОУ СОШ № 1",
        year="2025/2026",
        drafted=datetime(2026, 6, 30, tzinfo=UTC),
    )
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        # WeasyPrint lists the one file spec twice in /AF; the CSV is embedded once.
        (spec,) = {x.objgen: x for x in doc.Root.AF}.values()
        assert str(spec.AFRelationship) == "/Data" and str(spec.F) == CSV_NAME
        assert b"pdfaid:part" in doc.Root.Metadata.read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    (raw,) = reader.attachments[CSV_NAME]
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [(x[1], x[5]) for x in lines[1:]] == [("yi-2", "1"), ("yi-2", "2"), ("yi-1", "1")]
    page = reader.pages[0].extract_text()
    assert "ОПИСЬ" in page and "2025/2026" in page and "25 лет" in page
    again = inventory_rows(
        archive, school="sch-1", year="2025/2026", period_names={"q1": "1 четверть"}
    )
    assert content_key(rows) == content_key(again)
