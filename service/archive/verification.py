"""Verifying an uploaded PDF: the signature report and whether it matches an archived document.

The web pages and the API both call :func:`verify_pdf`; the trusted roots come in as an argument,
and :func:`configured_trust_roots` builds them from the settings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service import config

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509


@dataclass(frozen=True)
class Verification:
    """The outcome of checking one PDF."""

    sha256: str
    readable: bool
    valid: bool
    report_text: str
    report: dict[str, Any]
    archived: Any  # the matching archive catalog row of the same school, or None


def load_trust_roots(paths: Iterable[Path]) -> list[asn1_x509.Certificate]:
    """The certificates in those of ``paths`` that exist (PEM or DER)."""
    from signing.signers import load_certificates

    return list(load_certificates([p for p in paths if p.is_file()]))


def configured_trust_roots() -> list[asn1_x509.Certificate]:
    """The demo root in the data directory plus the roots named by ``VEDOMOST_TRUST_ROOTS``."""
    from django.conf import settings

    return load_trust_roots([Path(settings.DATA_DIR) / "keys" / "root.pem", *config.trust_roots()])


def verify_pdf(
    data: bytes, school_id: str, roots: Sequence[asn1_x509.Certificate] | None = None
) -> Verification:
    """Validate every signature of ``data`` and look its SHA-256 up in the school's archive.

    Args:
        data: the PDF as uploaded.
        school_id: only this school's archive is searched for a match.
        roots: trusted root certificates; ``None`` means :func:`configured_trust_roots`.
    """
    from service.archive.models import Entry
    from signing.errors import UnreadablePdf
    from signing.validate import validate

    sha = hashlib.sha256(data).hexdigest()
    archived = Entry.objects.filter(sha256=sha, school=school_id).order_by("-version").first()
    trusted = configured_trust_roots() if roots is None else list(roots)
    try:
        report = validate(data, trusted)
    except UnreadablePdf as exc:
        return Verification(sha, False, False, str(exc), {}, archived)
    return Verification(
        sha, True, report.valid, report.to_text(), json.loads(report.to_json()), archived
    )
