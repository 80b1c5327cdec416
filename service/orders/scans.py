"""Signed paper scans (PDF, JPEG or PNG) converted to PDF/A-3b, kept with the consent record.

Images become full-page pictures; a PDF scan is rasterised page by page (``pdftoppm``) so that the
result is a valid PDF/A whatever the scanner wrote, and the original PDF is embedded as an
associated file (PDF/A-3 allows it) so nothing is lost.
"""

from __future__ import annotations

import base64
import hashlib
import io
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from weasyprint import HTML, Attachment

from service.errors import UserError

MAX_SCAN_BYTES = 30 * 1024 * 1024
MAX_PAGES = 20
RASTER_DPI = 150


class InvalidScan(UserError, ValueError):
    """The uploaded file is not a usable PDF, JPEG or PNG; the message is in Russian."""


@dataclass(frozen=True)
class ScanPdf:
    """A scan as PDF/A-3b: the PDF, its type of source and SHA-256."""

    pdf: bytes
    source_type: str
    sha256: str
    pages: int


def detect_type(data: bytes) -> str:
    """«pdf», «jpeg» or «png» from the file's first bytes."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    raise InvalidScan("файл скана должен быть PDF, JPEG или PNG")


def _check_image(data: bytes) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            return img.size
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise InvalidScan(
            f"изображение повреждено или не читается ({type(exc).__name__})"
        ) from None


def _rasterise(pdf: bytes) -> list[bytes]:
    with tempfile.TemporaryDirectory(prefix="vedomost-scan-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        try:
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    str(RASTER_DPI),
                    "-jpeg",
                    "-l",
                    str(MAX_PAGES),
                    str(src),
                    str(Path(tmp) / "p"),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
        except subprocess.CalledProcessError:
            raise InvalidScan("PDF-файл скана повреждён или защищён паролем") from None
        except subprocess.TimeoutExpired:
            raise InvalidScan("PDF-файл скана слишком сложен для обработки") from None
        pages = sorted(Path(tmp).glob("p-*.jpg"))
        if not pages:
            raise InvalidScan("в PDF-файле скана нет страниц")
        return [p.read_bytes() for p in pages]


def _html(images: list[tuple[str, bytes]], title: str) -> str:
    parts = []
    for mime, data in images:
        uri = f"data:{mime};base64,{base64.b64encode(data).decode()}"
        parts.append(f'<div class="page"><img src="{uri}" alt="скан"></div>')
    return (
        "<!doctype html><html lang='ru'><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>@page {{ size: A4; margin: 5mm }} "
        "body { margin: 0 } .page { page-break-after: always; height: 287mm; display: flex; "
        "align-items: center; justify-content: center } "
        ".page:last-child { page-break-after: auto } "
        "img { max-width: 200mm; max-height: 287mm; object-fit: contain }</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )


def scan_to_pdfa(data: bytes, title: str = "Скан подписанного документа") -> ScanPdf:
    """Convert an uploaded scan to PDF/A-3b."""
    if not data:
        raise InvalidScan("файл скана пуст")
    if len(data) > MAX_SCAN_BYTES:
        raise InvalidScan(f"файл скана больше {MAX_SCAN_BYTES // (1024 * 1024)} МБ")
    kind = detect_type(data)
    attachments = []
    if kind == "pdf":
        images = [("image/jpeg", page) for page in _rasterise(data)]
        attachments.append(
            Attachment(
                string=data,
                name="original-scan.pdf",
                description="Исходный файл скана",
                relationship="Source",
            )
        )
    else:
        _check_image(data)
        images = [(f"image/{kind}", data)]
    pdf = HTML(string=_html(images, title)).write_pdf(
        pdf_variant="pdf/a-3b", attachments=attachments
    )
    assert pdf is not None
    return ScanPdf(pdf, kind, hashlib.sha256(pdf).hexdigest(), len(images))
