"""The verdict on a PDF's signatures: typed per-signature reports, their Russian text and JSON."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass

from asn1crypto import x509 as asn1_x509
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel

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
                if s.certificate_serial:
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


def iso_time(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


def _human(value: str | None) -> str:
    if not value:
        return "—"
    return dt.datetime.fromisoformat(value).strftime("%d.%m.%Y %H:%M:%S UTC")


def _day(value: str | None) -> str:
    return dt.datetime.fromisoformat(value).strftime("%d.%m.%Y") if value else "—"


def certificate_facts(cert: asn1_x509.Certificate | None) -> dict[str, str | None]:
    """Owner, title, serial and validity of a certificate, as the report prints them."""
    if cert is None:
        return {"name": None, "title": None, "serial": None, "from": None, "to": None}
    validity = cert["tbs_certificate"]["validity"]
    return {
        "name": certificate_owner(cert),
        "title": cert.subject.native.get("title"),
        "serial": serial_hex(cert.serial_number),
        "from": iso_time(validity["not_before"].native),
        "to": iso_time(validity["not_after"].native),
    }


def is_certification(sig: EmbeddedPdfSignature) -> bool:
    """True for a certifying (DocMDP) signature."""
    refs = sig.sig_object.get("/Reference", ())
    return any(ref.get("/TransformMethod") == "/DocMDP" for ref in refs)
