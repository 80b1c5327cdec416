"""The deferred route with a whole CMS made outside: prepare the PDF, check the returned CMS.

``prepare_for_cms`` writes the placeholder and returns the exact bytes the key holder signs with
a detached CAdES tool (the PDF without its placeholder); ``finish_deferred`` in
:mod:`signing.deferred` embeds the returned CMS. ``check_cms_covers`` makes sure that CMS was
made over these bytes before it is embedded.
"""

from __future__ import annotations

import hashlib

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509

from ..deferred import DeferredSigning
from ..errors import SigningError
from ..pades import SigningOptions
from . import backend
from .backend import GostAlgorithm
from .pades import prepare_pdf

__all__ = ["check_cms_covers", "prepare_for_cms"]


def prepare_for_cms(
    pdf: bytes,
    certificate: asn1_x509.Certificate,
    chain: list[asn1_x509.Certificate],
    options: SigningOptions,
) -> tuple[DeferredSigning, bytes]:
    """Prepare ``pdf`` for an external CMS; return the state and the bytes to sign."""
    prepared = prepare_pdf(pdf, certificate, chain, options)
    tbs = prepared.signed_bytes
    state = DeferredSigning(
        prepared_pdf=prepared.pdf,
        document_digest=hashlib.sha256(tbs).digest(),
        region_start=prepared.region_start,
        region_end=prepared.region_end,
        signed_attrs=b"",
        certificate=certificate.dump(),
        chain=tuple(c.dump() for c in chain),
        level=options.level,
        field_name=options.field_name,
        tsa_url=options.tsa_url,
    )
    return state, tbs


def _digest(oid: str, name: str, data: bytes) -> bytes | None:
    gost = GostAlgorithm.for_digest_oid(oid)
    if gost is not None:
        return backend.digest(data, gost)
    if name in hashlib.algorithms_available:
        return hashlib.new(name, data).digest()
    return None


def check_cms_covers(state: DeferredSigning, content_info: cms.ContentInfo) -> None:
    """Raise :class:`SigningError` unless the CMS message digest is that of the prepared bytes."""
    pdf = state.prepared_pdf
    tbs = pdf[: state.region_start] + pdf[state.region_end :]
    try:
        signer_info = content_info["content"]["signer_infos"][0]
        algorithm = signer_info["digest_algorithm"]["algorithm"]
        claimed = next(
            a["values"][0].native
            for a in signer_info["signed_attrs"]
            if a["type"].native == "message_digest"
        )
    except (ValueError, KeyError, TypeError, IndexError, StopIteration) as exc:
        raise SigningError("Подпись не читается: нет подписанных атрибутов CMS") from exc
    actual = _digest(algorithm.dotted, str(algorithm.native), tbs)
    if actual is None:
        raise SigningError(f"Неизвестный алгоритм хэширования подписи: {algorithm.dotted}")
    if actual != claimed:
        raise SigningError("Подпись сделана не для этого подготовленного файла (хэш не совпадает)")
