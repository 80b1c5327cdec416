"""What a signature check means for a person: one verdict, the facts behind it, local times.

The validation report (``signing.validate``) lists every check of every signature; a page needs
the one reason a document is not accepted, in this order: the file is not a PDF, a signature is
damaged, the document was changed after signing, the certificate is not trusted. A changed
document is not also reported as untrusted: when the signed bytes differ, the chain was never
the question.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from service.web import labels

VALID = "valid"
NOT_PDF = "not-pdf"
DAMAGED = "damaged"
MODIFIED = "modified"
UNTRUSTED = "untrusted"
UNSIGNED = "unsigned"
INVALID = "invalid"

HEADLINES = {
    VALID: "Подписи действительны",
    NOT_PDF: "Файл не PDF",
    DAMAGED: "Подпись повреждена",
    MODIFIED: "Документ изменён после подписи",
    UNTRUSTED: "Сертификат не доверенный",
    UNSIGNED: "В документе нет электронных подписей",
    INVALID: "Подписи не подтверждены",
}

# The worst finding of any signature decides the verdict.
SEVERITY = (NOT_PDF, DAMAGED, MODIFIED, UNTRUSTED, INVALID)


@dataclass(frozen=True)
class SignatureView:
    """One signature (or archive time stamp) as the page lists it."""

    title: str
    outcome: str
    ok: bool
    rows: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Verdict:
    """The verdict of a check and the facts behind it."""

    code: str
    headline: str
    facts: list[str]
    signatures: list[SignatureView]

    @property
    def ok(self) -> bool:
        """True when every signature checks out."""
        return self.code == VALID


def _broken(sig: dict[str, Any]) -> bool:
    """The signature could not be validated at all (its container or certificate is broken)."""
    from signing.damaged import BROKEN, FAILED, WRONG_CERTIFICATE

    problems = sig.get("problems", ())
    return any(str(p).startswith((BROKEN, FAILED, WRONG_CERTIFICATE)) for p in problems)


def _changed_pages(sig: dict[str, Any]) -> bool:
    from signing.damaged import FATAL_CHANGES

    return bool(FATAL_CHANGES.intersection(sig.get("problems", ())))


def _finding(sig: dict[str, Any]) -> str:
    if _broken(sig):
        return DAMAGED
    if not sig.get("intact", True) or _changed_pages(sig):
        return MODIFIED
    if not sig.get("cryptographically_valid", True):
        return DAMAGED
    if sig.get("modifications_allowed") is False:
        return MODIFIED
    if not sig.get("trusted", True):
        return UNTRUSTED
    return VALID if sig.get("ok") else INVALID


def _who(sig: dict[str, Any]) -> str:
    name = sig.get("signer_name") or "неизвестный подписант"
    return name + (f", {sig['signer_title']}" if sig.get("signer_title") else "")


def _facts(code: str, sig: dict[str, Any]) -> list[str]:
    field_name = sig.get("field_name", "")
    signed = labels.when(sig.get("timestamp_time") or sig.get("signing_time"))
    if code == MODIFIED and not sig.get("intact", True):
        return [
            f"Подпись «{field_name}» ({_who(sig)}, {signed}) сделана под другим содержимым: "
            "контрольная сумма подписанных данных не совпадает с файлом.",
            "Файл изменили после подписания; сверьте его с экземпляром из архива.",
        ]
    if code == MODIFIED and _changed_pages(sig):
        changes = "; ".join(str(p) for p in sig.get("problems", ()) if "После подписания" in p)
        return [f"Подпись «{field_name}» ({_who(sig)}, {signed}) цела, но {changes.lower()}."]
    if code == MODIFIED:
        return [
            f"После подписи «{field_name}» ({_who(sig)}, {signed}) в документ внесены изменения, "
            f"которые подпись не разрешает: {sig.get('modification_level') or 'не указаны'}.",
        ]
    if code == DAMAGED and _broken(sig):
        return [
            f"Подпись «{field_name}» проверить невозможно: {_lower_first(str(p))}."
            for p in sig.get("problems", ())
        ]
    if code == DAMAGED:
        return [
            f"Значение подписи «{field_name}» не соответствует сертификату "
            f"{sig.get('certificate_serial') or ''}: подпись повреждена.".replace("  ", " "),
        ]
    if code == UNTRUSTED:
        return [
            f"Подпись «{field_name}» цела, документ после подписания не менялся.",
            f"Сертификат подписанта ({_who(sig)}, № {sig.get('certificate_serial') or '—'}, "
            f"действителен с {_day(sig.get('certificate_valid_from'))} "
            f"по {_day(sig.get('certificate_valid_to'))}): "
            f"{sig.get('trust_problem') or 'не связан с доверенным корневым сертификатом'}.",
        ]
    return [str(p) for p in sig.get("problems", ())]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _day(value: str | None) -> str:
    moment = labels.local(value)
    return moment.strftime("%d.%m.%Y") if moment else "—"


def _signature_view(sig: dict[str, Any]) -> SignatureView:
    code = _finding(sig)
    if sig.get("kind") == "document-timestamp":
        title = f"{sig.get('order')}. Архивный штамп времени"
        rows = [
            ("Время штампа", labels.when(sig.get("timestamp_time"), seconds=True)),
            ("Служба штампов", sig.get("signer_name") or "—"),
        ]
    else:
        what = "Удостоверяющая подпись" if sig.get("certification") else "Подпись"
        role = f" ({sig['role']})" if sig.get("role") else ""
        title = f"{sig.get('order')}. {what}{role}"
        rows = [
            ("Подписант", _who(sig)),
            (
                "Сертификат",
                f"№ {sig.get('certificate_serial') or '—'}, действителен с "
                f"{_day(sig.get('certificate_valid_from'))} по "
                f"{_day(sig.get('certificate_valid_to'))}",
            ),
            (
                "Время подписания (со слов подписанта)",
                labels.when(sig.get("signing_time"), seconds=True),
            ),
            (
                "Штамп времени подписи",
                labels.when(sig.get("timestamp_time"), seconds=True)
                if sig.get("timestamp_time")
                else "нет",
            ),
            ("Уровень PAdES", sig.get("pades_level") or "—"),
        ]
        if sig.get("lock"):
            rows.append(("Блокировка документа", sig["lock"]))
    if code == DAMAGED and _broken(sig):
        rows = [("Подпись", "не читается; подписант, сертификат и время неизвестны")]
        problems = [str(p) for p in sig.get("problems", ())]
        return SignatureView(title, HEADLINES[code].lower(), False, rows, problems)
    rows.append(("Целостность", "не нарушена" if sig.get("intact") else "НАРУШЕНА"))
    if code == MODIFIED and not sig.get("intact", True):
        rows.append(("Цепочка доверия", "не проверялась: содержимое изменено"))
    else:
        rows.append(("Цепочка доверия", "доверенная" if sig.get("trusted") else "НЕ ДОВЕРЕННАЯ"))
    if sig.get("coverage"):
        rows.append(("Подпись охватывает", sig["coverage"]))
    if sig.get("modification_level"):
        rows.append(("Изменения после подписи", sig["modification_level"]))
    problems = [str(p) for p in sig.get("problems", ())]
    if code == MODIFIED:
        problems = [p for p in problems if "довер" not in p and "Сертификат" not in p]
    outcome = "действительна" if sig.get("ok") else HEADLINES[code].lower()
    return SignatureView(title, outcome, bool(sig.get("ok")), rows, problems)


def _pdf_without_readable_signature(data: bytes) -> bool:
    """True when ``data`` opens as a PDF (pypdf) and has a signature field: the signature is bad."""
    if b"%PDF-" not in data[:1024]:
        return False
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        fields = reader.get_fields() or {}
    except Exception:  # pypdf raises many kinds; any of them means «not readable»
        return False
    return any(str(f.get("/FT")) == "/Sig" for f in fields.values())


def verdict_of(verification: Any, data: bytes | None = None) -> Verdict:
    """The verdict of a :class:`~service.archive.verification.Verification`.

    Args:
        verification: the result of ``verify_pdf``.
        data: the checked bytes, to tell a file that is no PDF at all from a PDF whose
            signature cannot be read; without them an unreadable file counts as not a PDF.
    """
    if not verification.readable:
        if data is not None and _pdf_without_readable_signature(data):
            return Verdict(
                DAMAGED,
                HEADLINES[DAMAGED],
                [
                    "Файл читается как PDF и содержит поле подписи, но саму подпись прочитать "
                    "нельзя: её байты повреждены.",
                    f"Подробности проверки: {verification.report_text}.",
                ],
                [],
            )
        head = (data or b"")[:5]
        facts = [f"Файл не читается как PDF: {verification.report_text}."]
        if data is not None and not head.startswith(b"%PDF"):
            facts.append("Файл не начинается с признака PDF «%PDF-»; возможно, это другой формат.")
        return Verdict(NOT_PDF, HEADLINES[NOT_PDF], facts, [])
    signatures = list(verification.report.get("signatures", ()))
    if not signatures:
        return Verdict(
            UNSIGNED,
            HEADLINES[UNSIGNED],
            ["Файл — PDF, но электронных подписей в нём нет."],
            [],
        )
    views = [_signature_view(s) for s in signatures]
    findings = [(_finding(s), s) for s in signatures]
    for code in SEVERITY:
        bad = [s for found, s in findings if found == code]
        if bad:
            facts = [fact for s in bad for fact in _facts(code, s)]
            return Verdict(code, HEADLINES[code], facts, views)
    count = len(signatures)
    return Verdict(
        VALID,
        HEADLINES[VALID],
        [f"Проверено подписей и штампов времени: {count}; все целы и доверенные."],
        views,
    )
