"""Signatures that pyHanko cannot even validate, and what changed in a document after signing.

Hostile or broken files must end in a Russian verdict, never a traceback: a signature container of
garbage or zeros, a certificate swapped inside the CMS, any other error while validating. And the
archive cares about two things pyHanko's difference analysis allows as harmless metadata updates:
the XMP document id and the page content must be the ones that were signed.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import EmbeddedPdfSignature

BROKEN = "Подпись повреждена: контейнер подписи не читается"
WRONG_CERTIFICATE = "Сертификат в подписи не соответствует подписавшему"
FAILED = "Подпись повреждена: проверка невозможна"
DOCUMENT_ID_CHANGED = "После подписания изменён идентификатор документа (XMP DocumentID)"
METADATA_CHANGED = "После подписания изменены метаданные документа (XMP)"
CONTENT_CHANGED = "После подписания изменено содержимое страниц"

_DOCUMENT_ID = re.compile(rb"(?:xmpMM:DocumentID\s*=\s*[\"']([^\"']*)|<xmpMM:DocumentID>([^<]*)<)")


@dataclass(frozen=True)
class BrokenSignature:
    """A filled signature field whose container could not be parsed."""

    field_name: str
    reason: str


def collect(reader: PdfFileReader) -> list[EmbeddedPdfSignature | BrokenSignature]:
    """Every filled signature field: parsed, or :class:`BrokenSignature` when it cannot be."""
    parsed: list[EmbeddedPdfSignature] = []
    broken: list[BrokenSignature] = []
    for fq_name, _sig_obj, sig_field in enumerate_sig_fields(reader, filled_status=True):
        try:
            parsed.append(EmbeddedPdfSignature(reader, sig_field, fq_name))
        except Exception as exc:  # asn1crypto/pyHanko raise many kinds on a hostile container
            broken.append(BrokenSignature(str(fq_name), f"{BROKEN} ({type(exc).__name__})"))
    parsed.sort(key=lambda s: s.signed_revision)
    return [*parsed, *broken]


def explain_failure(exc: Exception) -> str:
    """The Russian verdict for an exception raised while validating one signature."""
    text = str(exc).lower()
    if any(w in text for w in ("certificate", "signer", "sid", "issuer", "public key")):
        return f"{WRONG_CERTIFICATE} ({type(exc).__name__})"
    return f"{FAILED} ({type(exc).__name__})"


def _metadata(reader: PdfFileReader) -> tuple[bytes | None, bytes]:
    """(XMP DocumentID, digest of the whole XMP packet) of ``reader``'s document."""
    try:
        stream = reader.root.get("/Metadata")
        data: bytes = stream.get_object().data if stream is not None else b""
    except Exception:
        return None, b"unreadable"
    match = _DOCUMENT_ID.search(data)
    doc_id = (match.group(1) or match.group(2)) if match else None
    return doc_id, hashlib.sha256(data).digest()


def _pages_digest(reader: PdfFileReader) -> bytes:
    """A digest of every page's content streams."""
    digest = hashlib.sha256()
    try:
        stack = [reader.root.raw_get("/Pages")]
        while stack:
            node = stack.pop().get_object()
            if "/Kids" in node:
                stack.extend(reversed(list(node["/Kids"])))
                continue
            contents = node.get("/Contents")
            if contents is None:
                continue
            contents = contents.get_object()
            streams = contents if isinstance(contents, list) else [contents]
            for item in streams:
                digest.update(item.get_object().data)
            digest.update(b"\0page\0")
    except Exception:
        return b"unreadable"
    return digest.digest()


def changes_after_signing(
    pdf: bytes, reader: PdfFileReader, sig: EmbeddedPdfSignature
) -> tuple[str, ...]:
    """What differs between the signed revision and the file as it is (empty: nothing of note).

    The signed revision is the prefix of the file its byte range ends with: read on its own it is
    the document as signed, whatever the later revisions did.
    """
    try:
        _, _, start, length = (int(x) for x in sig.byte_range)
    except Exception:
        return ()
    end = start + length
    if end >= len(pdf.rstrip(b"\r\n\x00 ")):
        return ()
    try:
        signed = PdfFileReader(io.BytesIO(pdf[:end]), strict=False)
    except Exception:
        return (METADATA_CHANGED,)
    found: list[str] = []
    signed_id, signed_xmp = _metadata(signed)
    now_id, now_xmp = _metadata(reader)
    if signed_id != now_id:
        found.append(DOCUMENT_ID_CHANGED)
    elif signed_xmp != now_xmp:
        found.append(METADATA_CHANGED)
    if _pages_digest(signed) != _pages_digest(reader):
        found.append(CONTENT_CHANGED)
    return tuple(found)


# Changes that make a signature unfit for the archive even when pyHanko allows them.
FATAL_CHANGES = frozenset({DOCUMENT_ID_CHANGED, CONTENT_CHANGED})
