"""Tell a signed PDF from an unsigned one by its bytes, to choose the lock mode of a record.

A PDF signature dictionary carries ``/ByteRange [a b c d]`` written out literally: the signer must
patch it in place after hashing, so it is never inside a compressed object stream. Finding one is
enough to lock the record in COMPLIANCE mode; a PDF that only looks signed is locked more strictly
than needed, never less.
"""

from __future__ import annotations

import re
from typing import BinaryIO

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
