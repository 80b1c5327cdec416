"""Who must sign a document, and the check that the key's owner is that person.

A document names its signers in its meta (director, class teacher as «И. О. Фамилия») and carries
the meta in its embedded data JSON, so the check needs only the PDF. Signing with someone else's
key (an acting director, a deputy by order) is allowed when the user confirms it with a reason;
the confirmation is an audit event. The demo key made on first run is confirmed as such.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from service.documents.render import DATA_ATTACHMENT
from service.errors import UserError

ROLE_TITLES = {"director": "директор", "class_teacher": "классный руководитель"}
AUDIT_KIND = "signer-confirmed"
DEMO_KEY_REASON = "демонстрационный ключ программы: выдан не на директора школы"


class SignerMismatch(UserError):
    """The certificate belongs to someone other than the document's named signer."""


@dataclass(frozen=True, slots=True)
class NamedSigner:
    """One signature a document expects: its field, the role and the person's name."""

    field: str
    role: str
    name: str


@dataclass(frozen=True, slots=True)
class SignerCheck:
    """The outcome of a signer check that let signing go on."""

    document_id: str
    field: str
    expected: str
    owner: str
    matches: bool
    reason: str = ""
    """The user's reason for signing with another person's key; empty when the names match."""


def signers_for(meta: Any) -> tuple[NamedSigner, ...]:
    """The signatures a document's meta reserves, in page order, with the person named for each.

    ``meta`` is a :class:`~service.documents.meta.DocumentMeta` or its JSON mapping. A role
    whose person the journal does not name has an empty ``name`` (the check then passes).
    """
    values = (
        meta
        if isinstance(meta, Mapping)
        else {
            "signatures": meta.signatures,
            "director": meta.director,
            "class_teacher": meta.class_teacher,
        }
    )
    return tuple(
        NamedSigner(field, ROLE_TITLES.get(field, field), str(values.get(field) or ""))
        for field in values.get("signatures") or ()
    )


def document_meta(pdf: bytes) -> Mapping[str, Any]:
    """The ``meta`` of the data JSON embedded in a Vedomost PDF; empty for other PDFs."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        attachments = PdfReader(io.BytesIO(pdf)).attachments
        raw = attachments.get(DATA_ATTACHMENT)
        if not raw:
            return {}
        data = json.loads(raw[0])
    except (PdfReadError, ValueError, KeyError):
        return {}
    meta = data.get("meta") if isinstance(data, Mapping) else None
    return meta if isinstance(meta, Mapping) else {}


def named_signer(pdf: bytes, field: str) -> NamedSigner | None:
    """The person the PDF names for signature ``field``; None when it names nobody."""
    for signer in signers_for(document_meta(pdf)):
        if signer.field == field and signer.name:
            return signer
    return None


def check_signer(
    pdf: bytes, field: str, certificate: Any, *, confirm_reason: str | None = None
) -> SignerCheck:
    """Refuse a key whose owner is not the person the document names for ``field``.

    Args:
        pdf: The document to sign.
        field: The signature field (``director``, ``class_teacher``).
        certificate: The signer's certificate (asn1crypto).
        confirm_reason: The user's reason to sign anyway; signing then goes on.

    Raises:
        SignerMismatch: The names differ and no reason was given; the message names both.
    """
    from signing.signer_name import certificate_matches
    from signing.stamp import certificate_owner

    owner = certificate_owner(certificate)
    meta = document_meta(pdf)
    document_id = str(meta.get("document_id") or "")
    expected = named_signer(pdf, field)
    if expected is None or certificate_matches(certificate, expected.name):
        return SignerCheck(document_id, field, expected.name if expected else "", owner, True)
    reason = (confirm_reason or "").strip() or (DEMO_KEY_REASON if is_demo(certificate) else "")
    if not reason:
        raise SignerMismatch(
            f"Сертификат ключа выдан на имя «{owner}», а документ должен подписать "
            f"{expected.role} {expected.name}. Подпишите ключом этого человека или подтвердите "
            "подпись чужим ключом, указав причину (например, приказ о возложении обязанностей)"
        )
    return SignerCheck(document_id, field, expected.name, owner, False, reason)


def check_signers(
    pdfs: Iterable[bytes], field: str, certificate: Any, *, confirm_reason: str | None = None
) -> list[SignerCheck]:
    """:func:`check_signer` over many documents; the first mismatch without a reason raises."""
    return [check_signer(pdf, field, certificate, confirm_reason=confirm_reason) for pdf in pdfs]


def is_demo(certificate: Any) -> bool:
    """Whether ``certificate`` is the demo key made on first run (never a person's own key).

    Trying the program with it must not stop at the signer check; its use is still audited.
    """
    from signing.demo_pki import SCHOOL_NAME

    return bool(certificate.subject.native.get("organization_name") == SCHOOL_NAME)


def record_confirmations(checks: list[SignerCheck], actor: str) -> None:
    """Write one audit event per confirmed mismatch (the reason, both names, the document)."""
    from service.archive.catalog import DjangoCatalog
    from storage.catalog import EventDraft

    drafts = [
        EventDraft(
            AUDIT_KIND,
            document_id=check.document_id,
            actor=actor,
            detail={
                "field": check.field,
                "named_signer": check.expected,
                "certificate_owner": check.owner,
                "reason": check.reason,
            },
        )
        for check in checks
        if not check.matches
    ]
    if drafts:
        DjangoCatalog().append_events(drafts)
