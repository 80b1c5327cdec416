"""Where made documents' files live: ``DATA_DIR/orders/<document_id>/``, DOCX and PDF/A.

The catalog row (:class:`~service.orders.models.IssuedDocument`) keeps the hashes; the files stay
under the data directory so the web page, the CLI's task and a later download read the same bytes.
The PDF/A is made when first asked for (conversion takes seconds), and checked against the hash
when one was recorded.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings

from service.orders.models import IssuedDocument


class MissingFile(LookupError):
    """A document's file is not under the data directory; the message is in Russian."""


def output_dir(document_id: str) -> Path:
    """The directory of one made document's files."""
    return Path(settings.DATA_DIR) / "orders" / document_id


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def store(document_id: str, docx: bytes, pdf: bytes | None = None) -> Path:
    """Keep a made document's DOCX (and PDF/A when made); return its directory."""
    target = output_dir(document_id)
    _write(target / "document.docx", docx)
    if pdf is not None:
        _write(target / "document.pdf", pdf)
    return target


def docx_of(issued: IssuedDocument) -> bytes:
    """The DOCX a document was made as, checked against the catalog's hash."""
    path = output_dir(issued.document_id) / "document.docx"
    if not path.is_file():
        raise MissingFile(f"файл DOCX документа {issued.document_id} не найден")
    data = path.read_bytes()
    if issued.docx_sha256 and hashlib.sha256(data).hexdigest() != issued.docx_sha256:
        raise MissingFile(f"файл DOCX документа {issued.document_id} изменён после выпуска")
    return data


def pdf_of(issued: IssuedDocument, signatures: tuple[str, ...] = ("director",)) -> bytes:
    """The PDF/A-3b of a document, converted from its DOCX the first time it is asked for."""
    from service.orders.produce import docx_to_pdf

    path = output_dir(issued.document_id) / "document.pdf"
    if path.is_file():
        return path.read_bytes()
    pdf = docx_to_pdf(docx_of(issued), issued.document_id, issued.title, signatures)
    _write(path, pdf)
    IssuedDocument.objects.filter(pk=issued.pk).update(pdf_sha256=hashlib.sha256(pdf).hexdigest())
    return pdf
