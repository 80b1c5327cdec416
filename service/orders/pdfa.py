"""Finishing the PDF/A-3b from LibreOffice: document id in XMP, empty signature fields, checks.

Templates reserve the box for an electronic-signature mark with a bookmark ``SIG<field>``
(e.g. ``SIGdirector``); LibreOffice exports it as a named destination, which gives the page and
position. There an empty signature field named ``<field>`` is added (widget with the Print flag and
an appearance stream, as PDF/A requires), for ``signing`` to sign into.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary, Name, String

BOX_WIDTH = 190.0  # pt, about 67 mm: the ГОСТ Р 7.0.97 e-signature mark
BOX_HEIGHT = 56.0
MARK_TEXT_HALF_WIDTH = 63.0  # the 7 pt placeholder text is centred; its start + this ≈ cell centre
PDFAID = "http://www.aiim.org/pdfa/ns/id/"


@dataclass(frozen=True)
class SignatureBox:
    """Where a template reserved a signature: field name, 0-based page, rectangle in points."""

    name: str
    page: int
    rect: tuple[float, float, float, float]


@dataclass(frozen=True)
class PdfaInfo:
    """What a PDF declares about itself."""

    part: str
    conformance: str
    identifier: str
    pages: int
    signature_fields: tuple[str, ...]


def _dest_name(raw: str) -> str | None:
    # LibreOffice escapes some characters in destination names as hex, e.g. "_" → "5F".
    match = re.fullmatch(r"/?SIG([A-Za-z0-9]+)", raw)
    if not match:
        return None
    name = match.group(1)
    return re.sub(r"5F", "_", name)


def _iter_dests(pdf: pikepdf.Pdf) -> list[tuple[str, pikepdf.Object]]:
    found: list[tuple[str, pikepdf.Object]] = []
    dests = pdf.Root.get("/Dests")
    if isinstance(dests, Dictionary):
        found.extend((str(k), v) for k, v in dests.items())
    names = pdf.Root.get("/Names")
    if isinstance(names, Dictionary) and "/Dests" in names:
        tree = pikepdf.NameTree(names.Dests)
        found.extend((str(k), v) for k, v in tree.items())
    return found


def signature_boxes(pdf: pikepdf.Pdf) -> list[SignatureBox]:
    """Signature boxes reserved by the template (from ``SIG…`` named destinations)."""
    page_index = {p.objgen: i for i, p in enumerate(pdf.pages)}
    boxes = []
    for raw, dest in _iter_dests(pdf):
        name = _dest_name(raw.lstrip("/"))
        if name is None:
            continue
        if isinstance(dest, Dictionary):
            dest = dest.D
        page_obj, left, top = dest[0], float(Decimal(str(dest[2]))), float(Decimal(str(dest[3])))
        page = page_index.get(page_obj.objgen, len(pdf.pages) - 1)
        media = [float(x) for x in pdf.pages[page].mediabox]
        centre = left + MARK_TEXT_HALF_WIDTH
        x1 = max(media[0] + 20, min(centre - BOX_WIDTH / 2, media[2] - 20 - BOX_WIDTH))
        y2 = top + 18
        boxes.append(SignatureBox(name, page, (x1, y2 - BOX_HEIGHT, x1 + BOX_WIDTH, y2)))
    return sorted(boxes, key=lambda b: b.name)


def _empty_appearance(pdf: pikepdf.Pdf, width: float, height: float) -> pikepdf.Stream:
    stream = pikepdf.Stream(pdf, b"")
    stream.Type, stream.Subtype = Name.XObject, Name.Form
    stream.BBox = Array([0, 0, width, height])
    stream.Resources = Dictionary()
    return stream


def finish_pdf(
    pdf_bytes: bytes, document_id: str, title: str, signatures: tuple[str, ...]
) -> bytes:
    """Add the document id and title to XMP and the empty signature fields; return the new PDF."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:identifier"] = document_id
            meta["dc:title"] = title
        boxes = {b.name: b for b in signature_boxes(pdf)}
        fields = []
        for name in signatures:
            box = boxes.get(name)
            if box is None:
                continue  # the template has no box for it: signing will place a default one
            page = pdf.pages[box.page]
            x1, y1, x2, y2 = box.rect
            widget = pdf.make_indirect(
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Widget,
                    FT=Name.Sig,
                    T=String(name),
                    Rect=Array([x1, y1, x2, y2]),
                    F=4,
                    P=page.obj,
                    AP=Dictionary(N=_empty_appearance(pdf, x2 - x1, y2 - y1)),
                )
            )
            if "/Annots" not in page.obj:
                page.obj.Annots = Array()
            page.obj.Annots.append(widget)
            fields.append(widget)
        if fields:
            acroform = pdf.Root.get("/AcroForm")
            if not isinstance(acroform, Dictionary):
                acroform = pdf.make_indirect(Dictionary(Fields=Array()))
                pdf.Root.AcroForm = acroform
            if "/Fields" not in acroform:
                acroform.Fields = Array()
            for widget in fields:
                acroform.Fields.append(widget)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def pdfa_info(pdf_bytes: bytes) -> PdfaInfo:
    """The PDF/A part and conformance, ``dc:identifier``, page count and signature field names."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        meta = pdf.open_metadata()
        part = str(meta.get("pdfaid:part", ""))
        conformance = str(meta.get("pdfaid:conformance", ""))
        identifier = str(meta.get("dc:identifier", ""))
        names = []
        acroform = pdf.Root.get("/AcroForm")
        if isinstance(acroform, Dictionary):
            for f in acroform.get("/Fields", Array()):
                if f.get("/FT") == Name.Sig:
                    names.append(str(f.T))
        return PdfaInfo(part, conformance, identifier, len(pdf.pages), tuple(names))


def merge_pdfs(parts: list[bytes]) -> bytes:
    """Concatenate PDF/A documents made by the same converter (output intent of the first)."""
    with pikepdf.open(io.BytesIO(parts[0])) as first:
        for data in parts[1:]:
            other = pikepdf.open(io.BytesIO(data))
            first.pages.extend(other.pages)
        out = io.BytesIO()
        first.save(out, deterministic_id=True)
        return out.getvalue()
