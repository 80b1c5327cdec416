"""Validate every signature and document time-stamp in a PDF and report it in Russian and JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from dataclasses import replace

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    EmbeddedPdfSignature,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import (
    DocumentTimestampStatus,
    PdfSignatureStatus,
)
from pyhanko_certvalidator import ValidationContext

from .damaged import FATAL_CHANGES, BrokenSignature, changes_after_signing, collect, explain_failure
from .errors import UnreadablePdf
from .pades import role_title
from .report import (
    COVERAGE_TEXT,
    MODIFICATION_TEXT,
    PERMISSION_TEXT,
    SignatureReport,
    ValidationReport,
    certificate_facts,
    is_certification,
    iso_time,
)


def _context(
    roots: Sequence[asn1_x509.Certificate],
    dss: DocumentSecurityStore | None,
    *,
    fetch: bool,
    revocation_mode: str,
    moment: dt.datetime | None = None,
) -> ValidationContext:
    kwargs: dict[str, object] = {
        "trust_roots": list(roots),
        "allow_fetching": fetch,
        "revocation_mode": revocation_mode,
    }
    if moment is not None:
        kwargs["moment"] = moment
        kwargs["retroactive_revinfo"] = True
    if dss is not None:
        return dss.as_validation_context(kwargs)
    return ValidationContext(**kwargs)  # type: ignore[arg-type]


def _has_revocation(dss: DocumentSecurityStore | None) -> bool:
    return dss is not None and bool(dss.ocsps or dss.crls)


def _signature_report(
    order: int,
    sig: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    *,
    later_doc_timestamp: bool,
    dss: DocumentSecurityStore | None,
    ltv_ok: bool | None,
) -> SignatureReport:
    facts = certificate_facts(status.signing_cert)
    problems: list[str] = []
    if not status.intact:
        problems.append("Содержимое документа изменено после подписания (хэш не совпадает)")
    elif not status.valid:
        problems.append("Значение подписи не соответствует сертификату")
    if not status.trusted:
        problems.append(_trust_problem(status))
    if status.docmdp_ok is False:
        problems.append("После подписания в документ внесены недопустимые изменения")
    ts = status.timestamp_validity
    if ts is not None and not (ts.intact and ts.valid and ts.trusted):
        problems.append("Штамп времени подписи не подтверждён")
    level = "B-B"
    if status.timestamp_validity is not None:
        level = "B-T"
        if _has_revocation(dss):
            level = "B-LT"
            if later_doc_timestamp:
                level = "B-LTA"
    docmdp = sig.docmdp_level
    return SignatureReport(
        order=order,
        field_name=str(sig.field_name),
        kind="signature",
        role=role_title(str(sig.field_name)),
        signer_name=facts["name"],
        signer_title=facts["title"],
        certificate_serial=facts["serial"],
        certificate_valid_from=facts["from"],
        certificate_valid_to=facts["to"],
        signing_time=iso_time(status.signer_reported_dt),
        timestamp_time=iso_time(status.timestamp_validity.timestamp)
        if status.timestamp_validity is not None
        else None,
        intact=status.intact,
        cryptographically_valid=status.valid,
        trusted=status.trusted,
        trust_problem=None if status.trusted else _trust_problem(status),
        coverage=COVERAGE_TEXT.get(status.coverage) if status.coverage else None,
        modification_level=MODIFICATION_TEXT.get(status.modification_level)
        if status.modification_level is not None
        else None,
        modifications_allowed=status.docmdp_ok,
        certification=sig.sig_object_type == "/Sig" and is_certification(sig),
        lock=PERMISSION_TEXT.get(docmdp) if docmdp is not None else None,
        pades_level=level,
        revocation_embedded=_has_revocation(dss),
        ltv_ok=ltv_ok,
        ok=status.bottom_line,
        problems=tuple(problems),
    )


def _trust_problem(status: PdfSignatureStatus | DocumentTimestampStatus) -> str:
    cert = status.signing_cert
    now = dt.datetime.now(dt.UTC)
    validity = cert["tbs_certificate"]["validity"]
    if validity["not_after"].native < now:
        return "Срок действия сертификата истёк"
    if validity["not_before"].native > now:
        return "Срок действия сертификата ещё не начался"
    if status.revocation_details is not None:
        return "Сертификат отозван"
    return "Сертификат не связан с доверенным корневым сертификатом"


def _timestamp_report(
    order: int, sig: EmbeddedPdfSignature, status: DocumentTimestampStatus
) -> SignatureReport:
    facts = certificate_facts(status.signing_cert)
    problems: list[str] = []
    if not status.intact or not status.valid:
        problems.append("Архивный штамп времени повреждён")
    if not status.trusted:
        problems.append("Сертификат службы штампов времени не доверенный")
    if status.docmdp_ok is False:
        problems.append("После штампа времени в документ внесены недопустимые изменения")
    ok = status.intact and status.valid and status.trusted and status.docmdp_ok is not False
    return SignatureReport(
        order=order,
        field_name=str(sig.field_name),
        kind="document-timestamp",
        role=None,
        signer_name=facts["name"],
        signer_title=None,
        certificate_serial=facts["serial"],
        certificate_valid_from=facts["from"],
        certificate_valid_to=facts["to"],
        signing_time=None,
        timestamp_time=iso_time(status.timestamp),
        intact=status.intact,
        cryptographically_valid=status.valid,
        trusted=status.trusted,
        trust_problem=None if status.trusted else _trust_problem(status),
        coverage=COVERAGE_TEXT.get(status.coverage) if status.coverage else None,
        modification_level=MODIFICATION_TEXT.get(status.modification_level)
        if status.modification_level is not None
        else None,
        modifications_allowed=status.docmdp_ok,
        certification=False,
        lock=None,
        pades_level="документный штамп времени",
        revocation_embedded=False,
        ltv_ok=None,
        ok=ok,
        problems=tuple(problems),
    )


def _trusted_timestamp_time(status: PdfSignatureStatus) -> dt.datetime | None:
    ts = status.timestamp_validity
    if ts is not None and ts.intact and ts.valid and ts.trusted:
        return ts.timestamp
    return None


def _validate_at_timestamp(
    sig: EmbeddedPdfSignature,
    roots: Sequence[asn1_x509.Certificate],
    dss: DocumentSecurityStore | None,
    moment: dt.datetime,
    ts_context: ValidationContext,
    *,
    revocation_mode: str = "soft-fail",
) -> PdfSignatureStatus | None:
    """Validate the signer's chain as of the signature time-stamp, from embedded data only.

    This is long-term validation: the time-stamp proves the signature existed at that moment,
    and the revocation data embedded in the DSS proves the certificate was good then, so an
    archived signature stays valid after its certificate expires.
    """
    vc = _context(roots, dss, fetch=False, revocation_mode=revocation_mode, moment=moment)
    try:
        return validate_pdf_signature(sig, vc, ts_validation_context=ts_context)
    except (SignatureValidationError, ValueError):
        return None


def _is_gost(sig: EmbeddedPdfSignature) -> bool:
    """ГОСТ signatures are checked by signing.gost: pyHanko cannot hash with Streebog."""
    from .gost.report import embedded_is_gost

    return embedded_is_gost(sig)


def _report_one(
    order: int,
    sig: EmbeddedPdfSignature,
    signatures: Sequence[EmbeddedPdfSignature | BrokenSignature],
    trust_roots: Sequence[asn1_x509.Certificate],
    dss: DocumentSecurityStore | None,
    vc: ValidationContext,
    ts_vc: ValidationContext,
    pdf: bytes,
) -> SignatureReport:
    later_ts = any(
        getattr(other, "sig_object_type", None) == "/DocTimeStamp" for other in signatures[order:]
    )
    if _is_gost(sig):
        from .gost.report import gost_pdf_report

        return gost_pdf_report(order, sig, pdf, trust_roots)
    if sig.sig_object_type == "/DocTimeStamp":
        return _timestamp_report(order, sig, validate_pdf_timestamp(sig, vc))
    status = validate_pdf_signature(sig, vc)
    ltv_ok: bool | None = None
    moment = _trusted_timestamp_time(status)
    if moment is not None and _has_revocation(dss):
        strict = _validate_at_timestamp(
            sig, trust_roots, dss, moment, ts_vc, revocation_mode="hard-fail"
        )
        ltv_ok = strict is not None and strict.trusted
        if not status.trusted and strict is not None and strict.trusted:
            status = strict
    return _signature_report(
        order, sig, status, later_doc_timestamp=later_ts, dss=dss, ltv_ok=ltv_ok
    )


def _failed_report(order: int, field_name: str, problem: str) -> SignatureReport:
    """The verdict on a signature that could not be validated at all."""
    return SignatureReport(
        order=order,
        field_name=field_name,
        kind="signature",
        role=role_title(field_name),
        signer_name=None,
        signer_title=None,
        certificate_serial=None,
        certificate_valid_from=None,
        certificate_valid_to=None,
        signing_time=None,
        timestamp_time=None,
        intact=False,
        cryptographically_valid=False,
        trusted=False,
        trust_problem=None,
        coverage=None,
        modification_level=None,
        modifications_allowed=None,
        certification=False,
        lock=None,
        pades_level="—",
        revocation_embedded=False,
        ltv_ok=None,
        ok=False,
        problems=(problem,),
    )


def validate(
    pdf: bytes,
    trust_roots: Sequence[asn1_x509.Certificate],
    *,
    fetch: bool = False,
) -> ValidationReport:
    """Validate all signatures in ``pdf`` against ``trust_roots`` and return the report."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = collect(reader)
    except (PdfError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise UnreadablePdf("Файл не является читаемым PDF") from exc
    try:
        dss: DocumentSecurityStore | None = DocumentSecurityStore.read_dss(reader)
    except (KeyError, ValueError, PdfError):
        dss = None
    vc = _context(trust_roots, dss, fetch=fetch, revocation_mode="soft-fail")
    ts_vc = _context(trust_roots, dss, fetch=fetch, revocation_mode="soft-fail")
    reports: list[SignatureReport] = []
    for order, sig in enumerate(signatures, start=1):
        if isinstance(sig, BrokenSignature):
            reports.append(_failed_report(order, sig.field_name, sig.reason))
            continue
        try:
            report = _report_one(order, sig, signatures, trust_roots, dss, vc, ts_vc, pdf)
        except Exception as exc:  # a hostile container: a verdict, never a traceback
            reports.append(_failed_report(order, str(sig.field_name), explain_failure(exc)))
            continue
        changes = changes_after_signing(pdf, reader, sig)
        if changes:
            report = replace(
                report,
                problems=(*report.problems, *changes),
                ok=report.ok and not FATAL_CHANGES.intersection(changes),
            )
        reports.append(report)
    return ValidationReport(
        document_sha256=hashlib.sha256(pdf).hexdigest(), signatures=tuple(reports)
    )
