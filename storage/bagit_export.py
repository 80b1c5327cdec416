"""Transfer package for the municipal archive: a BagIt bag with its inventory (опись)."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bagit

from storage.archive import Archive, DocumentMetadata
from storage.catalog import ArchivedDocument, EntryFilter, EventDraft
from storage.pdf import render_pdf
from storage.stores.keys import key_id, safe_id

INVENTORY_COLUMNS = (
    "№",
    "document_id",
    "version",
    "kind",
    "title",
    "class",
    "period",
    "year",
    "retention",
    "basis",
    "size",
    "sha256",
    "file",
)


@dataclass(frozen=True)
class InventoryRow:
    """One line of the inventory."""

    document_id: str
    version: int
    kind: str
    title: str
    class_id: str
    period: str
    year: str
    period_label: str
    basis: str
    size: int
    sha256: str
    path: str


@dataclass(frozen=True)
class ExportResult:
    """The bag written and what it holds."""

    bag_dir: Path
    rows: tuple[InventoryRow, ...]
    inventory: ArchivedDocument | None


def _select(
    archive: Archive, year: str, kinds: Sequence[str], school: str
) -> list[ArchivedDocument]:
    entries = archive.catalog.list_entries(EntryFilter(year=year, school=school))
    skip = {"catalog-backup", "archive-inventory", "disposal-act", "year-inventory"}
    return [e for e in entries if (e.kind in kinds if kinds else e.kind not in skip)]


def export_bag(
    archive: Archive,
    out_dir: Path,
    *,
    year: str,
    kinds: Sequence[str] = (),
    school: str = "",
    school_name: str = "",
    actor: str = "",
) -> ExportResult:
    """Write a BagIt bag of every version of the selected documents with the inventory; validate."""
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"каталог {out_dir} не пуст")
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = _select(archive, year, kinds, school)
    rows: list[InventoryRow] = []
    try:
        for entry in entries:
            rule = archive.schedule.rule(entry.kind)
            ext = safe_id(entry.extra.get("extension", "pdf"))
            name = f"{key_id(entry.document_id)}-v{entry.version}.{ext}"
            rel = f"documents/{safe_id(entry.kind)}/{name}"
            target = out_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            data = archive.read(entry.document_id, entry.version, actor=actor)
            try:
                with open(target, "wb") as out:
                    shutil.copyfileobj(data, out, 1024 * 1024)
            finally:
                data.close()
            rows.append(
                InventoryRow(
                    entry.document_id,
                    entry.version,
                    entry.kind,
                    rule.title,
                    entry.class_id,
                    entry.extra.get("period_name") or entry.period,
                    entry.year,
                    rule.period_label,
                    rule.basis,
                    entry.size,
                    entry.sha256,
                    "data/" + rel,
                )
            )
        with open(out_dir / "inventory.csv", "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(INVENTORY_COLUMNS)
            for n, r in enumerate(rows, 1):
                writer.writerow(
                    [
                        n,
                        r.document_id,
                        r.version,
                        r.kind,
                        r.title,
                        r.class_id,
                        r.period,
                        r.year,
                        r.period_label,
                        r.basis,
                        r.size,
                        r.sha256,
                        r.path,
                    ]
                )
        now = archive.now()
        number = f"{safe_id(year)}-{now:%Y%m%d%H%M%S}"
        pdf = render_pdf(
            "inventory.html",
            {
                "school": school_name or school or "",
                "number": number,
                "year": year,
                "drafted": now.strftime("%d.%m.%Y"),
                "rows": rows,
            },
        )
        (out_dir / "inventory.pdf").write_bytes(pdf)
        bag = bagit.make_bag(
            str(out_dir),
            bag_info={
                "Source-Organization": school_name or school or "—",
                "External-Description": f"Опись электронных документов за {year} учебный год",
                "External-Identifier": f"inventory-{number}",
                "Bag-Count": "1 of 1",
            },
            checksums=["sha256"],
        )
        bag.validate()
    except BaseException:
        shutil.rmtree(out_dir, ignore_errors=True)
        raise
    inventory = archive.archive(
        pdf,
        DocumentMetadata(document_id=f"inventory-{number}", school=school, year=year),
        "archive-inventory",
        actor=actor,
    )
    archive.catalog.append_events(
        [
            EventDraft(
                "export",
                inventory.document_id,
                inventory.id,
                actor,
                {
                    "year": year,
                    "kinds": list(kinds),
                    "documents": len(rows),
                    "bag": out_dir.name,
                },
            )
        ]
    )
    return ExportResult(out_dir, tuple(rows), inventory)


def validate_bag(bag_dir: Path) -> bool:
    """Validate a bag written earlier (checksums and completeness)."""
    bagit.Bag(str(bag_dir)).validate()
    return True
