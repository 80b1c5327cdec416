"""Print pack: documents merged into one PDF, each starting on an odd page (for duplex printers)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter


@dataclass(frozen=True, slots=True)
class PrintPack:
    """The merged PDF and where each document starts (1-based page numbers)."""

    path: Path
    pages: int
    starts: tuple[int, ...]
    blanks: int


def merge_for_duplex(sources: Iterable[Path], out: Path) -> PrintPack:
    """Merge PDFs so every one starts on an odd page, inserting blank pages where needed.

    The pack is for printing only: signature fields and attachments are dropped; each document is
    archived on its own.
    """
    writer = PdfWriter()
    starts = []
    blanks = 0
    for source in sources:
        if len(writer.pages) % 2 == 1:
            last = writer.pages[-1]
            writer.add_blank_page(width=last.mediabox.width, height=last.mediabox.height)
            blanks += 1
        starts.append(len(writer.pages) + 1)
        reader = PdfReader(source)
        for page in reader.pages:
            writer.add_page(page)
    for page in writer.pages:
        if "/Annots" in page:
            del page["/Annots"]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as handle:
        writer.write(handle)
    return PrintPack(out, len(writer.pages), tuple(starts), blanks)
