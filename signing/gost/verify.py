"""Verify a ГОСТ CAdES signature: digest, signature value, signing certificate, chain, validity.

Every check that involves ГОСТ cryptography (the Streebog digests, the signature on the signed
attributes, each certificate's signature in the chain) goes through :mod:`.backend`. The chain
is accepted only when it ends at one of the given trust roots, compared byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509

from . import backend
from .backend import GostAlgorithm, GostError

log = logging.getLogger(__name__)

MAX_CHAIN = 8

MSG_DIGEST = "Содержимое документа изменено после подписания (хэш не совпадает)"
MSG_SIGNATURE = "Значение подписи не соответствует сертификату"
MSG_NO_CERT = "В подписи нет сертификата подписанта"
MSG_CERT_SWAPPED = (
    "Сертификат подписанта не совпадает с указанным в подписанных атрибутах (signingCertificateV2)"
)
MSG_UNTRUSTED = "Сертификат не связан с доверенным корневым сертификатом"
MSG_EXPIRED = "На момент подписания срок действия сертификата истёк"
MSG_NOT_YET = "На момент подписания срок действия сертификата ещё не начался"
MSG_STRUCTURE = "Подпись повреждена: контейнер CMS не читается"
MSG_TIMESTAMP = "Штамп времени подписи не подтверждён"
MSG_NOT_GOST = "Отсоединённая подпись проверяется только для ГОСТ Р 34.10-2012"


@dataclass(frozen=True)
class GostVerdict:
    """The outcome of verifying one ГОСТ signature."""

    algorithm: GostAlgorithm | None
    signer: asn1_x509.Certificate | None
    signing_time: dt.datetime | None
    intact: bool
    valid: bool
    trusted: bool
    problems: tuple[str, ...]
    timestamp_time: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        """True when the digest, signature and chain all check out."""
        return self.intact and self.valid and self.trusted and not self.problems


def gost_algorithm_of(signer_info: cms.SignerInfo) -> GostAlgorithm | None:
    """Return the ГОСТ algorithm of a SignerInfo, or None for any other algorithm."""
    try:
        return GostAlgorithm.for_digest_oid(signer_info["digest_algorithm"]["algorithm"].dotted)
    except (ValueError, KeyError, TypeError):
        return None


def is_gost(content_info: cms.ContentInfo) -> bool:
    """True when the (first) signer of a CMS SignedData uses a Streebog digest."""
    try:
        signer_info = content_info["content"]["signer_infos"][0]
    except (ValueError, KeyError, TypeError, IndexError):
        return False
    return gost_algorithm_of(signer_info) is not None


def _attr(signer_info: cms.SignerInfo, name: str) -> object | None:
    attrs = signer_info["signed_attrs"]
    if not attrs:
        return None
    for attr in attrs:
        if attr["type"].native == name:
            return attr["values"][0]
    return None


def _find_signer(
    signer_info: cms.SignerInfo, certs: Sequence[asn1_x509.Certificate]
) -> asn1_x509.Certificate | None:
    sid = signer_info["sid"]
    if sid.name == "issuer_and_serial_number":
        issuer = sid.chosen["issuer"]
        serial = sid.chosen["serial_number"].native
        for cert in certs:
            if cert.serial_number == serial and cert.issuer == issuer:
                return cert
    else:
        key_id = sid.chosen.native
        for cert in certs:
            if cert.key_identifier == key_id:
                return cert
    return None


def _valid_at(cert: asn1_x509.Certificate, moment: dt.datetime) -> str | None:
    validity = cert["tbs_certificate"]["validity"]
    if moment > validity["not_after"].native:
        return MSG_EXPIRED
    if moment < validity["not_before"].native:
        return MSG_NOT_YET
    return None


def chain_to_root(
    cert: asn1_x509.Certificate,
    pool: Sequence[asn1_x509.Certificate],
    roots: Sequence[asn1_x509.Certificate],
    moment: dt.datetime,
) -> tuple[bool, str | None]:
    """Walk issuers from ``cert`` to a trust root, checking each certificate signature.

    Returns (trusted, problem): the problem names the first certificate not valid at ``moment``.
    """
    root_ders = {r.dump() for r in roots}
    candidates = [*roots, *pool]
    current = cert
    seen: set[bytes] = set()
    for _ in range(MAX_CHAIN):
        problem = _valid_at(current, moment)
        if problem is not None:
            return False, problem
        der = current.dump()
        if der in root_ders:
            return True, None
        seen.add(der)
        issuer = next(
            (
                c
                for c in candidates
                if c.subject == current.issuer
                and c.dump() not in seen
                and backend.certificate_signed_by(der, c.dump())
            ),
            None,
        )
        if issuer is None:
            return False, MSG_UNTRUSTED
        current = issuer
    return False, MSG_UNTRUSTED


def verify_signed_data(
    content_info: cms.ContentInfo,
    content_digest: Callable[[GostAlgorithm], bytes],
    trust_roots: Sequence[asn1_x509.Certificate],
    *,
    extra_certs: Sequence[asn1_x509.Certificate] = (),
) -> GostVerdict:
    """Verify the first signer of a ГОСТ CMS over content whose digest ``content_digest`` gives."""
    try:
        signed_data = content_info["content"]
        signer_info = signed_data["signer_infos"][0]
        algorithm = gost_algorithm_of(signer_info)
        certs = [c.chosen for c in signed_data["certificates"] or [] if c.name == "certificate"]
        signer = _find_signer(signer_info, [*certs, *extra_certs])
        signed_attrs = signer_info["signed_attrs"]
        raw_attrs = signed_attrs.dump() if signed_attrs else b""
        message_digest = _attr(signer_info, "message_digest")
        signing_time_attr = _attr(signer_info, "signing_time")
        ess = _attr(signer_info, "signing_certificate_v2")
        signature = signer_info["signature"].native
    except (ValueError, KeyError, TypeError, IndexError):
        return GostVerdict(None, None, None, False, False, False, (MSG_STRUCTURE,))
    if algorithm is None:
        return GostVerdict(None, signer, None, False, False, False, (MSG_NOT_GOST,))
    problems: list[str] = []
    signing_time = signing_time_attr.native if signing_time_attr is not None else None  # type: ignore[attr-defined]
    intact = message_digest is not None and (
        message_digest.native == content_digest(algorithm)  # type: ignore[attr-defined]
    )
    if not intact:
        problems.append(MSG_DIGEST)
    if signer is None:
        problems.append(MSG_NO_CERT)
        return GostVerdict(algorithm, None, signing_time, intact, False, False, tuple(problems))
    # The signature covers the attributes DER-encoded as a SET OF: same bytes, universal tag.
    tbs = b"\x31" + raw_attrs[1:]
    try:
        valid = backend.verify_digest(
            signer.dump(), backend.digest(tbs, algorithm), bytes(signature)
        )
    except GostError:
        valid = False
    if not valid:
        problems.append(MSG_SIGNATURE)
    if ess is not None and not _ess_matches(ess, signer):
        valid = False
        problems.append(MSG_CERT_SWAPPED)
    timestamp_time, timestamp_ok = _signature_timestamp(signer_info, trust_roots)
    if timestamp_ok is False:
        problems.append(MSG_TIMESTAMP)
    # A trusted time-stamp proves when the signature existed; else the signer's claim counts.
    moment = (timestamp_time if timestamp_ok else None) or signing_time or dt.datetime.now(dt.UTC)
    try:
        trusted, problem = chain_to_root(signer, [*certs, *extra_certs], trust_roots, moment)
    except GostError:
        trusted, problem = False, MSG_UNTRUSTED
    if problem is not None:
        problems.append(problem)
    return GostVerdict(
        algorithm, signer, signing_time, intact, valid, trusted, tuple(problems), timestamp_time
    )


def _signature_timestamp(
    signer_info: cms.SignerInfo, roots: Sequence[asn1_x509.Certificate]
) -> tuple[dt.datetime | None, bool | None]:
    """Check the CAdES-T signature time-stamp, if any: (time, trusted and matching)."""
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko.sign.validation.status import TimestampSignatureStatus
    from pyhanko_certvalidator import ValidationContext

    from ..pades import run_sync

    unsigned = signer_info["unsigned_attrs"]
    token = None
    if unsigned:
        token = next(
            (a["values"][0] for a in unsigned if a["type"].native == "signature_time_stamp_token"),
            None,
        )
    if token is None:
        return None, None
    signature = bytes(signer_info["signature"].native)
    context = ValidationContext(
        trust_roots=list(roots), allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        kwargs = run_sync(
            validate_tst_signed_data(
                token["content"], context, lambda md: hashlib.new(md, signature).digest()
            )
        )
        status = TimestampSignatureStatus(**kwargs)
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("unreadable signature time-stamp: %s", type(exc).__name__)
        return None, False
    return status.timestamp, bool(status.intact and status.valid and status.trusted)


def _ess_matches(ess: object, cert: asn1_x509.Certificate) -> bool:
    """Check the first ESSCertIDv2 against the signer's certificate."""
    try:
        first = ess["certs"][0]  # type: ignore[index]
        hash_algorithm = first["hash_algorithm"]["algorithm"]
        algorithm = GostAlgorithm.for_digest_oid(hash_algorithm.dotted)
        if algorithm is not None:
            expected = backend.digest(cert.dump(), algorithm)
        elif hash_algorithm.native in hashlib.algorithms_available:
            # Some CAdES tools hash the certificate with SHA-256 even in a ГОСТ signature.
            expected = hashlib.new(hash_algorithm.native, cert.dump()).digest()
        else:
            return False
        if first["cert_hash"].native != expected:
            return False
        serial = first["issuer_serial"]
        return serial.native is None or serial["serial_number"].native == cert.serial_number
    except (ValueError, KeyError, TypeError, IndexError):
        return False
