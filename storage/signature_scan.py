"""What a PDF's signatures are, for the catalog: signed or not, PAdES level, time-stamp expiry.

The quick byte test (:func:`has_pdf_signature`) chooses the lock mode of a record. A PDF
signature dictionary carries ``/ByteRange [a b c d]`` written out literally: the signer must
patch it in place after hashing, so it is never inside a compressed object stream. Finding one is
enough to lock the record in COMPLIANCE mode; a PDF that only looks signed is locked more strictly
than needed, never less. :func:`scan_signatures` parses the file with pyHanko for the catalog's
signature level and the expiry of its last document time stamp (what the renewal duty needs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*\d+\s+\d+\s+\d+\s+\d+\s*\]")
_CHUNK = 1 << 20
_OVERLAP = 128  # longer than any /ByteRange array written by a signer


def has_pdf_signature(stream: BinaryIO) -> bool:
    """True when ``stream`` is a PDF holding a signature; the stream is left at offset 0."""
    try:
        stream.seek(0)
        if b"%PDF-" not in stream.read(1024):
            return False
        stream.seek(0)
        tail = b""
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if _BYTE_RANGE.search(window):
                return True
            tail = window[-_OVERLAP:]
        return False
    finally:
        stream.seek(0)


LEVEL_NONE = "none"
"""The catalog's signature level of a record that holds no signature (or is not a PDF)."""


@dataclass(frozen=True)
class SignatureScan:
    """What the catalog keeps about a PDF's signatures.

    Attributes:
        level: ``B-B``, ``B-T``, ``B-LT``, ``B-LTA``, or :data:`LEVEL_NONE`.
        timestamp_expires: when the certificate of the time-stamp authority that made the last
            document time stamp expires (``None`` without a document time stamp): the archival
            time stamp must be renewed before then.
        timestamp_hash: the hash algorithm the last document time stamp covers the file with
            (``sha256``…), ``""`` without one: a weakened algorithm also calls for renewal.
    """

    level: str
    timestamp_expires: datetime | None = None
    timestamp_hash: str = ""


def scan_signatures(stream: BinaryIO) -> SignatureScan:
    """Read the PAdES level and the last document time stamp of a PDF; the stream is rewound.

    The level is the file's as a whole: ``B-LTA`` when a document time stamp follows the
    signatures and validation data sit in the DSS, ``B-LT`` with the DSS alone, ``B-T`` when
    signatures carry a signature time stamp, ``B-B`` otherwise. An unreadable file counts as
    unsigned here; validation says why it is unreadable.
    """
    found = _quick_scan(stream)
    if not found.byte_ranges:
        return SignatureScan(LEVEL_NONE)
    if not found.document_timestamp:
        # The usual case (a close signs B-B): the byte scan and the signatures' own CMS are
        # enough, without pyHanko's parse of the whole file (ten times slower).
        if found.dss:
            return SignatureScan("B-LT")
        stamped = any(_cms_has_signature_timestamp(c) for c in _contents(stream, found))
        stream.seek(0)
        return SignatureScan("B-T" if stamped else "B-B")
    return _full_scan(stream)


@dataclass(frozen=True)
class _Found:
    byte_ranges: frozenset[tuple[int, int, int, int]]
    document_timestamp: bool
    dss: bool


_BYTE_RANGE_NUMBERS = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
# Names written literally in a signature dictionary (never compressed: see the module docstring).
_DOC_TIMESTAMP = re.compile(rb"/DocTimeStamp|/ETSI\.RFC3161")
_DSS = re.compile(rb"/DSS\s*(?:\d+\s+\d+\s+R|<<)")


def _quick_scan(stream: BinaryIO) -> _Found:
    """Every ``/ByteRange`` and whether a document time stamp or a DSS is named, in one pass."""
    ranges: set[tuple[int, int, int, int]] = set()
    stamp = dss = False
    try:
        stream.seek(0)
        if b"%PDF-" not in stream.read(1024):
            return _Found(frozenset(), False, False)
        stream.seek(0)
        tail = b""
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            for m in _BYTE_RANGE_NUMBERS.finditer(window):
                a, b, c, d = (int(x) for x in m.groups())
                ranges.add((a, b, c, d))
            stamp = stamp or bool(_DOC_TIMESTAMP.search(window))
            dss = dss or bool(_DSS.search(window))
            tail = window[-_OVERLAP:]
    finally:
        stream.seek(0)
    return _Found(frozenset(ranges), stamp, dss)


def _contents(stream: BinaryIO, found: _Found) -> list[bytes]:
    """The DER of each signature: the hex string in the gap its byte range leaves."""
    out = []
    for a, b, c, _d in sorted(found.byte_ranges):
        start, end = a + b, c
        if end - start < 2 or end - start > 1 << 24:
            continue
        stream.seek(start)
        raw = stream.read(end - start).strip().lstrip(b"<").rstrip(b">")
        try:
            out.append(bytes.fromhex(raw.decode("ascii")))
        except (UnicodeDecodeError, ValueError):
            continue
    return out


def _cms_has_signature_timestamp(der: bytes) -> bool:
    from asn1crypto import cms

    try:
        info = cms.ContentInfo.load(der, strict=False)
        return any(_has_signature_timestamp(si) for si in info["content"]["signer_infos"])
    except (ValueError, TypeError, KeyError):
        return False


def _full_scan(stream: BinaryIO) -> SignatureScan:
    """pyHanko's parse, for files with a document time stamp: which one is last, its TSA."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    try:
        reader = PdfFileReader(stream, strict=False)
        signatures = list(reader.embedded_signatures)
        try:
            dss = DocumentSecurityStore.read_dss(reader)
        except NoDSSFoundError:
            dss = None
    except Exception:  # pyHanko raises many types for a damaged file: not a signed record then
        return SignatureScan(LEVEL_NONE)
    finally:
        stream.seek(0)
    regular = [s for s in signatures if s.sig_object_type != "/DocTimeStamp"]
    stamps = [s for s in signatures if s.sig_object_type == "/DocTimeStamp"]
    if not regular and not stamps:
        return SignatureScan(LEVEL_NONE)
    has_dss = dss is not None and bool(dss.ocsps or dss.crls or dss.certs)
    expires: datetime | None = None
    digest = ""
    if stamps:
        last = max(stamps, key=lambda s: s.signed_revision)
        cert = last.signer_cert
        expires = cert["tbs_certificate"]["validity"]["not_after"].native
        digest = str(last.external_md_algorithm).lower()
    if stamps and has_dss:
        level = "B-LTA"
    elif has_dss:
        level = "B-LT"
    elif any(_has_signature_timestamp(s.signer_info) for s in regular):
        level = "B-T"
    else:
        level = "B-B" if regular else "B-T"
    return SignatureScan(level, expires, digest)


def _has_signature_timestamp(signer_info: Any) -> bool:
    attrs = signer_info["unsigned_attrs"]
    if not attrs or attrs.native is None:
        return False
    return any(a["type"].native == "signature_time_stamp_token" for a in attrs)
