"""Verifying an uploaded PDF: the signature report and whether it matches an archived document."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Verification:
    """The outcome of checking one PDF."""

    sha256: str
    readable: bool
    valid: bool
    report_text: str
    report: dict[str, Any]
    archived: Any  # the matching archive catalog row of the same school, or None


def trust_roots() -> list[Any]:
    """The demo root in the data directory plus ``VEDOMOST_TRUST_ROOTS`` (PEM paths, comma list)."""
    from signing.signers import load_certificates

    paths = [Path(settings.DATA_DIR) / "keys" / "root.pem"]
    paths += [
        Path(p.strip()) for p in os.environ.get("VEDOMOST_TRUST_ROOTS", "").split(",") if p.strip()
    ]
    return load_certificates([p for p in paths if p.is_file()])


def verify_pdf(data: bytes, school_id: str) -> Verification:
    """Validate every signature of ``data`` and look its SHA-256 up in the school's archive."""
    import json

    from service.archive.models import Entry
    from signing.errors import UnreadablePdf
    from signing.validate import validate

    sha = hashlib.sha256(data).hexdigest()
    archived = Entry.objects.filter(sha256=sha, school=school_id).order_by("-version").first()
    try:
        report = validate(data, trust_roots())
    except UnreadablePdf as exc:
        return Verification(sha, False, False, str(exc), {}, archived)
    return Verification(
        sha, True, report.valid, report.to_text(), json.loads(report.to_json()), archived
    )
