"""Render document data to archival PDF/A-3b with WeasyPrint.

Each PDF carries: the builder's data as a JSON attachment (AFRelationship Data), XMP metadata
naming kind, school, class, period and snapshot id, the stable document id in the footer, and
empty signature fields (``director``, ``class_teacher``) at the boxes its template reserves.
Parsed stylesheets, the font configuration and the Jinja environment are built once per process.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, register_namespace

import jinja2

from service.documents import weasyprint_compat
from service.documents.common import MONTHS_GENITIVE, to_jsonable
from service.documents.signature_fields import signature_field_finisher
from service.documents.weasyprint_compat import (
    CSS,
    NS,
    Attachment,
    DocumentMetadata,
    FontConfiguration,
)
from service.russian.filters import install_filters

# Package data beside this module, so an installed wheel renders without the checkout.
TEMPLATES = Path(__file__).resolve().parent / "templates"
FONT_DIR = Path("/usr/share/fonts/truetype/paratype")
FONT_FILES = {
    ("normal", "normal"): "PTF55F.ttf",
    ("normal", "italic"): "PTF56F.ttf",
    ("bold", "normal"): "PTF75F.ttf",
    ("bold", "italic"): "PTF76F.ttf",
}
DATA_ATTACHMENT = "vedomost-data.json"
VEDOMOST_NS = "https://vedomost.example/ns/document/1.0/"
PDFA_EXTENSION_NS = {
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
for _prefix, _uri in {"vedomost": VEDOMOST_NS, **PDFA_EXTENSION_NS}.items():
    register_namespace(_prefix, _uri)
PDF_VARIANT = "pdf/a-3b"
PX_TO_PT = 0.75

# WeasyPrint logs every unsupported CSS property at warning level; our CSS is ours to keep clean.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """A rendered PDF: where it is and what it is."""

    kind: str
    document_id: str
    title: str
    path: Path
    pages: int
    sha256: str
    class_id: str
    period_id: str
    snapshot_id: str
    signature_fields: tuple[str, ...]


class _Resources:
    """Per-process rendering resources: fonts, parsed CSS, Jinja environment."""

    def __init__(self) -> None:
        self.font_config = FontConfiguration()
        faces = []
        for (weight, style), name in FONT_FILES.items():
            path = FONT_DIR / name
            if not path.exists():
                raise FileNotFoundError(f"нет шрифта PT Serif: {path} (пакет fonts-paratype)")
            faces.append(
                f"@font-face {{ font-family: 'PT Serif'; font-weight: {weight}; "
                f"font-style: {style}; src: url('{path.as_uri()}'); }}"
            )
        self.stylesheet = CSS(
            string="\n".join(faces) + (TEMPLATES / "documents.css").read_text("utf-8"),
            base_url=str(TEMPLATES) + "/",
            font_config=self.font_config,
        )
        self.ua_stylesheet = CSS(
            string=(TEMPLATES / "ua-minimal.css").read_text("utf-8"), font_config=self.font_config
        )
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters.update(
            ru_date=_ru_date, ddmm=_ddmm, num=_num, long_date=_long_date, tabrun=_tabrun
        )
        install_filters(self.env)
        self.images = ImageCache()


class ImageCache(dict[str, Any]):
    """WeasyPrint's image cache (its ``cache`` option), kept for the process and bounded.

    The grid-line images of a printout (``journal_printout.rule_lines``) are the same SVG for
    every sheet with as many lesson columns: parsed once, not once per document.
    """

    LIMIT = 256

    def __setitem__(self, key: str, value: Any) -> None:
        if len(self) >= self.LIMIT:
            self.clear()
        super().__setitem__(key, value)


def _ru_date(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _ddmm(day: dt.date | None) -> str:
    return day.strftime("%d.%m") if day else ""


def _long_date(day: dt.date) -> str:
    return f"«{day.day:02d}» {MONTHS_GENITIVE[day.month - 1]} {day.year} г."


def _num(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{digits}f}".replace(".", ",")


def _tabrun(cells: Any) -> str:
    """The marks of one grid row as one text run: each after a tab (a column's centre stop)."""
    return "".join("\t" + cell for cell in cells)


@cache
def resources() -> _Resources:
    """The process's rendering resources, built on first use (library patches installed first)."""
    weasyprint_compat.install()
    return _Resources()


class _Metadata(DocumentMetadata):
    """WeasyPrint metadata plus Vedomost's own XMP description."""

    vedomost: dict[str, str]

    def generate_rdf_metadata(self, variant, version, conformance):
        from xml.etree.ElementTree import fromstring, tostring

        # our own XML, just produced by WeasyPrint: not untrusted input
        rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))  # noqa: S314
        description = SubElement(rdf, f"{{{NS['rdf']}}}Description")
        description.attrib[f"{{{NS['rdf']}}}about"] = ""
        for key, value in self.vedomost.items():
            SubElement(description, f"{{{VEDOMOST_NS}}}{key}").text = value
        _add_pdfa_extension_schema(rdf)
        return tostring(rdf, encoding="utf-8")


def _add_pdfa_extension_schema(rdf: Element) -> None:
    """Declare the custom XMP namespace as PDF/A requires for non-standard properties."""
    ext, schema, prop = PDFA_EXTENSION_NS.values()
    rdf_ns = NS["rdf"]
    description = SubElement(rdf, f"{{{rdf_ns}}}Description")
    description.attrib[f"{{{rdf_ns}}}about"] = ""
    schemas = SubElement(SubElement(description, f"{{{ext}}}schemas"), f"{{{rdf_ns}}}Bag")
    item = SubElement(schemas, f"{{{rdf_ns}}}li")
    item.attrib[f"{{{rdf_ns}}}parseType"] = "Resource"
    SubElement(item, f"{{{schema}}}schema").text = "Vedomost document"
    SubElement(item, f"{{{schema}}}namespaceURI").text = VEDOMOST_NS
    SubElement(item, f"{{{schema}}}prefix").text = "vedomost"
    props = SubElement(SubElement(item, f"{{{schema}}}property"), f"{{{rdf_ns}}}Seq")
    for name, text in XMP_FIELDS.items():
        entry = SubElement(props, f"{{{rdf_ns}}}li")
        entry.attrib[f"{{{rdf_ns}}}parseType"] = "Resource"
        SubElement(entry, f"{{{prop}}}name").text = name
        SubElement(entry, f"{{{prop}}}valueType").text = "Text"
        SubElement(entry, f"{{{prop}}}category").text = "external"
        SubElement(entry, f"{{{prop}}}description").text = text


XMP_FIELDS = {
    "kind": "Document kind",
    "documentId": "Stable document id",
    "school": "School full name",
    "schoolId": "School id",
    "classId": "Class",
    "period": "Period",
    "academicYear": "Academic year",
    "snapshotId": "Journal snapshot id (SHA-256)",
}


def _xmp_values(meta: Any) -> dict[str, str]:
    return {
        "kind": meta.kind,
        "documentId": meta.document_id,
        "school": meta.school_name,
        "schoolId": meta.school_id,
        "classId": meta.class_id,
        "period": meta.period_id or meta.period_name,
        "academicYear": meta.year_id,
        "snapshotId": meta.snapshot_id,
    }


def data_json(data: Any) -> bytes:
    """The attachment bytes: the builder output as canonical UTF-8 JSON."""
    return json.dumps(to_jsonable(data), ensure_ascii=False, sort_keys=True, indent=1).encode(
        "utf-8"
    )


def render_html(data: Any, template: str, extra: dict[str, Any] | None = None) -> str:
    """Fill the kind's template with ``data``."""
    env = resources().env
    return env.get_template(template).render(d=data, m=data.meta, **(extra or {}))


def render_pdf_bytes(
    data: Any, template: str, extra: dict[str, Any] | None = None
) -> tuple[bytes, int, tuple[str, ...]]:
    """Render ``data`` with ``template`` to PDF/A-3b; returns (pdf, pages, signature fields)."""
    with _no_cyclic_gc():
        return _render_pdf_bytes(data, template, extra)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Python's cyclic collector paused for one document, run once after it.

    A layout allocates box trees by the thousand; with the collector on, it ran every few
    hundred allocations over everything still alive, a few percent of a printout's CPU time.
    The next automatic collection after the document takes its garbage (the pause is
    process-wide: documents render on one thread of a process).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _render_pdf_bytes(
    data: Any, template: str, extra: dict[str, Any] | None
) -> tuple[bytes, int, tuple[str, ...]]:
    res = resources()
    meta = data.meta
    html = weasyprint_compat.MinimalUserAgentHTML(
        string=render_html(data, template, extra),
        base_url=str(TEMPLATES) + "/",
        ua_stylesheet=res.ua_stylesheet,
    )
    document = html.render(
        stylesheets=[res.stylesheet], font_config=res.font_config, cache=res.images
    )
    metadata = _Metadata()
    metadata.__dict__.update(document.metadata.__dict__)
    metadata.vedomost = _xmp_values(meta)
    metadata.title = f"{meta.title} — {meta.school_short_name}"
    metadata.authors = [meta.school_name]
    metadata.description = meta.document_id
    metadata.generator = "Vedomost"
    stamp = dt.datetime.combine(meta.issued_on, dt.time(12, 0), tzinfo=dt.UTC).isoformat()
    metadata.created = metadata.modified = stamp
    document.metadata = metadata
    boxes = _signature_boxes(document, meta.signatures)
    attachment = Attachment(
        string=data_json(data),
        name=DATA_ATTACHMENT,
        relationship="Data",
        description="Данные документа (JSON)",
        created=dt.datetime.combine(meta.issued_on, dt.time(12, 0)),
        modified=dt.datetime.combine(meta.issued_on, dt.time(12, 0)),
    )
    pdf = document.write_pdf(
        pdf_variant=PDF_VARIANT,
        attachments=[attachment],
        finisher=signature_field_finisher(boxes) if boxes else None,
    )
    return pdf, len(document.pages), tuple(name for name, _, _ in boxes)


def _signature_boxes(
    document: Any, names: tuple[str, ...]
) -> list[tuple[str, int, tuple[float, float, float, float]]]:
    """Where the template reserved each signature box: (name, page index, box in PDF points)."""
    found = []
    for name in names:
        for index, page in enumerate(document.pages):
            rect = page.anchors.get(f"sig-{name}")
            if rect:
                x1, y1, x2, y2 = rect
                height = page.height
                found.append(
                    (
                        name,
                        index,
                        (
                            round(x1 * PX_TO_PT, 2),
                            round((height - y2) * PX_TO_PT, 2),
                            round(x2 * PX_TO_PT, 2),
                            round((height - y1) * PX_TO_PT, 2),
                        ),
                    )
                )
                break
    return found


def render_document(
    data: Any, template: str, out: Path, extra: dict[str, Any] | None = None
) -> RenderedDocument:
    """Render ``data`` to ``out`` and describe the result."""
    pdf, pages, fields = render_pdf_bytes(data, template, extra)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    meta = data.meta
    return RenderedDocument(
        kind=meta.kind,
        document_id=meta.document_id,
        title=meta.title,
        path=out,
        pages=pages,
        sha256=hashlib.sha256(pdf).hexdigest(),
        class_id=meta.class_id,
        period_id=meta.period_id,
        snapshot_id=meta.snapshot_id,
        signature_fields=fields,
    )
