"""Validate every signature and document time-stamp in a PDF and report it in Russian and JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import MDPPerm
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
    SignatureCoverageLevel,
)
from pyhanko_certvalidator import ValidationContext

from .errors import UnreadablePdf
from .pades import role_title
from .stamp import certificate_owner, serial_hex

COVERAGE_TEXT = {
    SignatureCoverageLevel.ENTIRE_FILE: "весь файл",
    SignatureCoverageLevel.ENTIRE_REVISION: "всю свою редакцию документа (далее — дополнения)",
    SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START: "только начало файла",
    SignatureCoverageLevel.UNCLEAR: "неясно какую часть файла",
}
MODIFICATION_TEXT = {
    ModificationLevel.NONE: "изменений нет",
    ModificationLevel.LTA_UPDATES: "только данные долговременной проверки и штампы времени",
    ModificationLevel.FORM_FILLING: "заполнение полей и новые подписи",
    ModificationLevel.ANNOTATIONS: "примечания (аннотации)",
    ModificationLevel.OTHER: "недопустимые изменения содержимого",
}
PERMISSION_TEXT = {
    MDPPerm.NO_CHANGES: "изменения запрещены (кроме архивных штампов времени)",
    MDPPerm.FILL_FORMS: "разрешено заполнение полей и подписи",
    MDPPerm.ANNOTATE: "разрешены подписи и примечания",
}


@dataclass(frozen=True)
class SignatureReport:
    """Validation result of one signature or document time-stamp, in document order."""

    order: int
    field_name: str
    kind: str  # "signature" or "document-timestamp"
    role: str | None
    signer_name: str | None
    signer_title: str | None
    certificate_serial: str | None
    certificate_valid_from: str | None
    certificate_valid_to: str | None
    signing_time: str | None
    timestamp_time: str | None
    intact: bool
    cryptographically_valid: bool
    trusted: bool
    trust_problem: str | None
    coverage: str | None
    modification_level: str | None
    modifications_allowed: bool | None
    certification: bool
    lock: str | None
    pades_level: str
    revocation_embedded: bool
    ltv_ok: bool | None
    ok: bool
    problems: tuple[str, ...]


@dataclass(frozen=True)
class ValidationReport:
    """Validation result of a whole PDF."""

    document_sha256: str
    signatures: tuple[SignatureReport, ...]

    @property
    def valid(self) -> bool:
        """True when the PDF has at least one signature and everything in it checks out."""
        return bool(self.signatures) and all(s.ok for s in self.signatures)

    def to_json(self) -> str:
        """Return the report as JSON (keys in English, texts in Russian)."""
        data = {
            "valid": self.valid,
            "document_sha256": self.document_sha256,
            "signatures": [asdict(s) for s in self.signatures],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        """Return a readable report in Russian."""
        lines = [
            "Документ: " + ("ПОДПИСИ ДЕЙСТВИТЕЛЬНЫ" if self.valid else "ПОДПИСИ НЕ ПОДТВЕРЖДЕНЫ"),
            f"SHA-256 файла: {self.document_sha256}",
        ]
        if not self.signatures:
            lines.append("В документе нет электронных подписей.")
        for s in self.signatures:
            lines.append("")
            if s.kind == "document-timestamp":
                lines.append(f"{s.order}. Архивный штамп времени (поле «{s.field_name}»)")
                lines.append(f"   Время штампа: {_human(s.timestamp_time)}")
                lines.append(f"   Служба штампов: {s.signer_name or '—'}")
            else:
                what = "удостоверяющая подпись" if s.certification else "подпись"
                role = f", роль: {s.role}" if s.role else ""
                lines.append(f"{s.order}. {what.capitalize()} (поле «{s.field_name}»{role})")
                lines.append(
                    f"   Подписант: {s.signer_name or '—'}"
                    + (f", {s.signer_title}" if s.signer_title else "")
                )
                lines.append(
                    f"   Сертификат: {s.certificate_serial}, действителен с "
                    f"{_day(s.certificate_valid_from)} до {_day(s.certificate_valid_to)}"
                )
                lines.append(f"   Время подписания (со слов подписанта): {_human(s.signing_time)}")
                lines.append(
                    "   Штамп времени подписи: "
                    + (_human(s.timestamp_time) if s.timestamp_time else "нет")
                )
                lines.append(f"   Уровень PAdES: {s.pades_level}")
                if s.lock:
                    lines.append(f"   Блокировка документа: {s.lock}")
            lines.append(f"   Целостность: {'не нарушена' if s.intact else 'НАРУШЕНА'}")
            lines.append(f"   Цепочка доверия: {'доверенная' if s.trusted else 'НЕ ДОВЕРЕННАЯ'}")
            if s.coverage:
                lines.append(f"   Подпись охватывает: {s.coverage}")
            if s.modification_level:
                allowed = "" if s.modifications_allowed in (None, True) else " — НЕДОПУСТИМО"
                lines.append(f"   Изменения после подписи: {s.modification_level}{allowed}")
            if s.kind == "signature":
                ltv = {True: "да", False: "нет", None: "не проверялась"}[s.ltv_ok]
                lines.append(
                    "   Данные о статусе сертификатов в документе: "
                    + ("есть" if s.revocation_embedded else "нет")
                    + f"; долговременная проверка без сети: {ltv}"
                )
            lines.append(f"   Итог: {'действительна' if s.ok else 'НЕДЕЙСТВИТЕЛЬНА'}")
            for problem in s.problems:
                lines.append(f"   ! {problem}")
        return "\n".join(lines) + "\n"


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


def _human(value: str | None) -> str:
    if not value:
        return "—"
    return dt.datetime.fromisoformat(value).strftime("%d.%m.%Y %H:%M:%S UTC")


def _day(value: str | None) -> str:
    return dt.datetime.fromisoformat(value).strftime("%d.%m.%Y") if value else "—"


def _cert_facts(cert: asn1_x509.Certificate | None) -> dict[str, str | None]:
    if cert is None:
        return {"name": None, "title": None, "serial": None, "from": None, "to": None}
    validity = cert["tbs_certificate"]["validity"]
    return {
        "name": certificate_owner(cert),
        "title": cert.subject.native.get("title"),
        "serial": serial_hex(cert.serial_number),
        "from": _iso(validity["not_before"].native),
        "to": _iso(validity["not_after"].native),
    }


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
    facts = _cert_facts(status.signing_cert)
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
        signing_time=_iso(status.signer_reported_dt),
        timestamp_time=_iso(status.timestamp_validity.timestamp)
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
        certification=sig.sig_object_type == "/Sig" and _is_certification(sig),
        lock=PERMISSION_TEXT.get(docmdp) if docmdp is not None else None,
        pades_level=level,
        revocation_embedded=_has_revocation(dss),
        ltv_ok=ltv_ok,
        ok=status.bottom_line,
        problems=tuple(problems),
    )


def _is_certification(sig: EmbeddedPdfSignature) -> bool:
    refs = sig.sig_object.get("/Reference", ())
    return any(ref.get("/TransformMethod") == "/DocMDP" for ref in refs)


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
    facts = _cert_facts(status.signing_cert)
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
        timestamp_time=_iso(status.timestamp),
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


def validate(
    pdf: bytes,
    trust_roots: Sequence[asn1_x509.Certificate],
    *,
    fetch: bool = False,
) -> ValidationReport:
    """Validate all signatures in ``pdf`` against ``trust_roots`` and return the report."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise UnreadablePdf("Файл не является читаемым PDF") from exc
    try:
        dss: DocumentSecurityStore | None = DocumentSecurityStore.read_dss(reader)
    except (KeyError, ValueError, PdfError):
        dss = None
    vc = _context(trust_roots, dss, fetch=fetch, revocation_mode="soft-fail")
    ts_vc = _context(trust_roots, dss, fetch=fetch, revocation_mode="soft-fail")
    reports: list[SignatureReport] = []
    for order, sig in enumerate(signatures, start=1):
        later_ts = any(other.sig_object_type == "/DocTimeStamp" for other in signatures[order:])
        if _is_gost(sig):
            from .gost.report import gost_pdf_report

            reports.append(gost_pdf_report(order, sig, pdf, trust_roots))
        elif sig.sig_object_type == "/DocTimeStamp":
            ts_status = validate_pdf_timestamp(sig, vc)
            reports.append(_timestamp_report(order, sig, ts_status))
        else:
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
            reports.append(
                _signature_report(
                    order,
                    sig,
                    status,
                    later_doc_timestamp=later_ts,
                    dss=dss,
                    ltv_ok=ltv_ok,
                )
            )
    return ValidationReport(
        document_sha256=hashlib.sha256(pdf).hexdigest(), signatures=tuple(reports)
    )
