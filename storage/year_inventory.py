"""The year's inventory (опись) of archived records: rows, CSV and the PDF/A-3b with the CSV inside.

The inventory lists every archived version of every document of one school and school year,
except the archive's own records (catalog backups, transfer inventories, disposal acts and year
inventories themselves). The CSV travels inside the PDF/A-3b as an associated file, so one
archived object, one signature and one fixity check cover both forms.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from storage.archive import Archive
from storage.catalog import EntryFilter
from storage.pdf import render_pdf
from storage.stores.keys import safe_id

YEAR_INVENTORY = "year-inventory"
"""The kind (retention row) of a year's inventory."""

OWN_RECORDS = frozenset({"catalog-backup", "archive-inventory", "disposal-act", YEAR_INVENTORY})
"""The archive's own records: not inventoried as documents of the year."""

CSV_NAME = "inventory.csv"
CSV_COLUMNS = (
    "№",
    "Идентификатор документа",
    "Вид документа",
    "Класс",
    "Период",
    "Версия",
    "Дата сдачи в архив",
    "Срок хранения",
    "Контрольная сумма SHA-256",
)


@dataclass(frozen=True)
class YearInventoryRow:
    """One archived version of one document of the year."""

    number: int
    document_id: str
    kind: str
    title: str  # Russian: the kind's title in the retention schedule
    class_id: str
    period: str  # Russian period name («2 четверть») where recorded, else the id
    version: int
    archived_on: str  # ДД.ММ.ГГГГ
    retention: str  # Russian: «25 лет», «постоянно»
    sha256: str


def inventory_document_id(school: str, year: str) -> str:
    """The stable id of a school year's inventory: a new content is a new version of it."""
    return f"{YEAR_INVENTORY}-{safe_id(school)}-{safe_id(year)}"


def inventory_rows(
    archive: Archive, *, school: str, year: str, period_names: Mapping[str, str] | None = None
) -> list[YearInventoryRow]:
    """Every archived version of the year's documents, by kind, class, period and version.

    A period is named by the name recorded with the document, else by ``period_names`` (period
    id → Russian name, given by the application), else by its id.
    """
    names = period_names or {}
    entries = [
        e
        for e in archive.catalog.list_entries(EntryFilter(year=year, school=school))
        if e.kind not in OWN_RECORDS
    ]
    entries.sort(key=lambda e: (e.kind, e.class_id, e.period, e.document_id, e.version))
    rows = []
    for number, entry in enumerate(entries, start=1):
        rule = archive.schedule.rule(entry.kind)
        rows.append(
            YearInventoryRow(
                number=number,
                document_id=entry.document_id,
                kind=entry.kind,
                title=rule.title,
                class_id=entry.class_id,
                period=entry.extra.get("period_name") or names.get(entry.period, entry.period),
                version=entry.version,
                archived_on=entry.created_at.strftime("%d.%m.%Y") if entry.created_at else "",
                retention=rule.period_label,
                sha256=entry.sha256,
            )
        )
    return rows


def inventory_csv(rows: list[YearInventoryRow]) -> bytes:
    """The inventory as CSV (UTF-8 with BOM, «;»: opens as a table in Excel and LibreOffice)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.number,
                r.document_id,
                r.title,
                r.class_id,
                r.period,
                r.version,
                r.archived_on,
                r.retention,
                r.sha256,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def content_key(rows: list[YearInventoryRow]) -> str:
    """What the inventory says (its CSV), independent of when it was drawn up."""
    return hashlib.sha256(inventory_csv(rows)).hexdigest()


def render_inventory(
    rows: list[YearInventoryRow], *, school_name: str, year: str, drafted: datetime
) -> bytes:
    """The inventory as PDF/A-3b with its CSV embedded (``inventory.csv``, relationship Data)."""
    return render_pdf(
        "year-inventory.html",
        {
            "school": school_name,
            "year": year,
            "drafted": drafted.strftime("%d.%m.%Y"),
            "rows": rows,
            "csv_name": CSV_NAME,
        },
        attachments={CSV_NAME: inventory_csv(rows)},
    )
