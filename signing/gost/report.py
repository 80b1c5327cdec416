"""Russian reports for ГОСТ signatures, in the same shape as the RSA/ECDSA ones.

An embedded ГОСТ signature is checked here rather than by pyHanko's validator, which cannot
hash with Streebog; pyHanko still judges the PDF side (coverage and changes after signing).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, DiffResult, ModificationLevel
from pyhanko.sign.validation import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel

from ..pades import role_title
from ..report import (
    COVERAGE_TEXT,
    MODIFICATION_TEXT,
    PERMISSION_TEXT,
    SignatureReport,
    ValidationReport,
    certificate_facts,
    is_certification,
    iso_time,
)
from . import backend
from .verify import GostVerdict, is_gost, verify_signed_data

__all__ = ["embedded_is_gost", "gost_pdf_report", "verify_detached"]

MSG_CHANGED = "После подписания в документ внесены недопустимые изменения"


def embedded_is_gost(sig: EmbeddedPdfSignature) -> bool:
    """True when an embedded PDF signature is a ГОСТ CMS."""
    if sig.sig_object_type != "/Sig":
        return False
    try:
        signed_data = sig.signed_data
    except (ValueError, KeyError, TypeError):
        return False  # a broken container is judged by the common validator
    return is_gost(cms.ContentInfo({"content_type": "signed_data", "content": signed_data}))


def _report(
    order: int,
    field_name: str,
    role: str | None,
    verdict: GostVerdict,
    *,
    coverage: str | None,
    modification_level: str | None,
    modifications_allowed: bool | None,
    certification: bool,
    lock: str | None,
    pades_level: str,
    extra_problems: Sequence[str] = (),
) -> SignatureReport:
    facts = certificate_facts(verdict.signer)
    problems = (*verdict.problems, *extra_problems)
    return SignatureReport(
        order=order,
        field_name=field_name,
        kind="signature",
        role=role,
        signer_name=facts["name"],
        signer_title=facts["title"],
        certificate_serial=facts["serial"],
        certificate_valid_from=facts["from"],
        certificate_valid_to=facts["to"],
        signing_time=iso_time(verdict.signing_time),
        timestamp_time=iso_time(verdict.timestamp_time),
        intact=verdict.intact,
        cryptographically_valid=verdict.valid,
        trusted=verdict.trusted,
        trust_problem=None if verdict.trusted else next(iter(verdict.problems[-1:]), None),
        coverage=coverage,
        modification_level=modification_level,
        modifications_allowed=modifications_allowed,
        certification=certification,
        lock=lock,
        pades_level=pades_level,
        revocation_embedded=False,
        ltv_ok=None,
        ok=verdict.ok and not extra_problems,
        problems=problems,
    )


def gost_pdf_report(
    order: int,
    sig: EmbeddedPdfSignature,
    pdf: bytes,
    trust_roots: Sequence[asn1_x509.Certificate],
) -> SignatureReport:
    """Verify one embedded ГОСТ signature and describe it."""
    start, first, second_start, second = (int(x) for x in sig.byte_range)
    view = memoryview(pdf)
    parts = [view[start : start + first], view[second_start : second_start + second]]
    content_info = cms.ContentInfo({"content_type": "signed_data", "content": sig.signed_data})
    verdict = verify_signed_data(
        content_info, lambda algorithm: backend.digest_parts(parts, algorithm), trust_roots
    )
    coverage = sig.evaluate_signature_coverage()
    docmdp = sig.docmdp_level
    allowed: bool
    level = ModificationLevel.NONE
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        allowed = True
    else:
        # pyHanko's difference analysis reads the coverage from the signature object.
        sig.coverage = coverage  # type: ignore[assignment]
        diff = sig.evaluate_modifications(DEFAULT_DIFF_POLICY)
        level = diff.modification_level if isinstance(diff, DiffResult) else ModificationLevel.OTHER
        allowed = not (
            level == ModificationLevel.OTHER or (docmdp is not None and level.value > docmdp.value)
        )
    extra = [] if allowed else [MSG_CHANGED]
    bits = verdict.algorithm.value if verdict.algorithm is not None else "?"
    return _report(
        order,
        str(sig.field_name),
        role_title(str(sig.field_name)),
        verdict,
        coverage=COVERAGE_TEXT.get(coverage),
        modification_level=MODIFICATION_TEXT.get(level),
        modifications_allowed=allowed,
        certification=is_certification(sig),
        lock=PERMISSION_TEXT.get(docmdp) if docmdp is not None else None,
        pades_level=f"{'B-T' if verdict.timestamp_time else 'B-B'} (ГОСТ Р 34.10-2012, {bits} бит)",
        extra_problems=extra,
    )


def verify_detached(
    content: bytes,
    signature: bytes,
    trust_roots: Sequence[asn1_x509.Certificate],
    *,
    name: str = "отсоединённая подпись",
) -> ValidationReport:
    """Verify a detached CAdES signature (DER or Base64) of ``content``."""
    from .detached import decode_signature

    verdict = verify_signed_data(
        decode_signature(signature),
        lambda algorithm: backend.digest(content, algorithm),
        trust_roots,
    )
    report = _report(
        1,
        name,
        None,
        verdict,
        coverage="весь файл",
        modification_level=None,
        modifications_allowed=None,
        certification=False,
        lock=None,
        pades_level=(
            f"{'CAdES-T' if verdict.timestamp_time else 'CAdES-BES'} "
            "(отсоединённая, ГОСТ Р 34.10-2012)"
        ),
    )
    return ValidationReport(
        document_sha256=hashlib.sha256(content).hexdigest(), signatures=(report,)
    )
