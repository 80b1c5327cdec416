"""Small factories for storage tests."""

from __future__ import annotations

import os

from storage.archive import DocumentMetadata


def doc_bytes(n: int, size: int = 2048) -> bytes:
    """Distinct pseudo-document bytes."""
    return b"%PDF-1.7\n" + f"doc {n}\n".encode() + os.urandom(size)


def meta(document_id: str, **kwargs: str) -> DocumentMetadata:
    """Metadata with ids only."""
    base = {
        "school": "sch-1",
        "year": "2025/2026",
        "class_id": "cls-7a",
        "period": "q1",
        "snapshot_id": "snap-1",
    }
    base.update(kwargs)
    return DocumentMetadata(document_id=document_id, **base)
