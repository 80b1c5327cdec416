"""From a produced document's :class:`DocumentMeta` to what the archive is told about it."""

from __future__ import annotations

from collections.abc import Mapping

from service.documents.meta import DocumentMeta
from storage.archive import DocumentMetadata


def archive_metadata(
    meta: DocumentMeta, *, signer: str = "", extra: Mapping[str, str] | None = None
) -> DocumentMetadata:
    """The archive's metadata of a document: ids only, never names (the archive keeps no PII)."""
    return DocumentMetadata(
        document_id=meta.document_id,
        school=meta.school_id,
        year=meta.year_id,
        class_id=meta.class_id,
        period=meta.period_id,
        snapshot_id=meta.snapshot_id,
        signer=signer,
        # The period's Russian name («2 четверть») for the inventory; the id stays the key.
        extra={**({"period_name": meta.period_name} if meta.period_name else {}), **(extra or {})},
    )
