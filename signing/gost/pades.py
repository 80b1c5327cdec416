"""PAdES with a ГОСТ CMS: pyHanko lays out the PDF, the ГОСТ CMS goes into its placeholder.

pyHanko prepares the signature field, the stamp and the byte range exactly as for RSA (it hashes
the document with SHA-256 for its own bookkeeping, which costs well under a millisecond); the
Streebog digest of the same byte range is signed by :mod:`.cades` and embedded with pyHanko's
``PdfTBSDocument.finish_signing``. The same preparation serves the deferred route, where the
CMS is made outside this process (CryptoPro ``cryptcp``, КриптоАРМ, ``openssl cms -sign``).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from asn1crypto import x509 as asn1_x509
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..errors import SigningError
from ..pades import (
    PreparedSigner,
    SigningOptions,
    build_pdf_signer,
    estimate_reserve,
    open_writer,
    run_sync,
)
from ..stamp import gost_stamp_style
from . import backend

if TYPE_CHECKING:
    from .signer import GostSigner

__all__ = ["PreparedPdf", "embed_cms", "prepare_pdf", "sign_pdf_gost"]


class _CertificateOnly(Signer):
    """A signer that only knows certificates: enough for pyHanko to lay out the field."""

    def __init__(self, cert: asn1_x509.Certificate, chain: Sequence[asn1_x509.Certificate]) -> None:
        registry = SimpleCertificateStore()
        registry.register_multiple(list(chain))
        super().__init__(signing_cert=cert, cert_registry=registry)

    def get_signature_mechanism_for_digest(self, digest_algorithm: str | None) -> object:
        """Decline: the CMS is made elsewhere, so no PDF extension depends on the algorithm."""
        raise PyHankoSigningError("external CMS")

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        """Never called: the CMS is made elsewhere."""
        raise PyHankoSigningError("external CMS")


@dataclass(frozen=True)
class PreparedPdf:
    """A PDF with an empty signature placeholder and the byte range the CMS must cover."""

    pdf: bytes
    region_start: int
    region_end: int

    @property
    def signed_bytes(self) -> bytes:
        """The exact bytes a detached CMS signs: everything outside the placeholder."""
        return self.pdf[: self.region_start] + self.pdf[self.region_end :]

    def parts(self) -> list[memoryview]:
        """The two covered parts of the file, without copying."""
        view = memoryview(self.pdf)
        return [view[: self.region_start], view[self.region_end :]]


def _check_level(options: SigningOptions) -> None:
    if options.level.embeds_revocation:
        raise SigningError(
            f"Для подписи ГОСТ доступны уровни B-B и B-T; "
            f"{options.level.value} пока не поддерживается"
        )


def prepare_pdf(
    pdf: bytes,
    certificate: asn1_x509.Certificate,
    chain: Sequence[asn1_x509.Certificate],
    options: SigningOptions,
    *,
    stamp_style: object | None = None,
) -> PreparedPdf:
    """Add the signature field (and stamp) with an empty placeholder sized for the CMS."""
    _check_level(options)
    signer = _CertificateOnly(certificate, chain)
    style = (
        stamp_style
        if stamp_style is not None
        else (gost_stamp_style(options.stamp_font) if options.stamp else None)
    )
    prepared = PreparedSigner(
        signer=signer,
        options=options,
        timestamper=None,
        stamp_style=style,  # type: ignore[arg-type]
        bytes_reserved=estimate_reserve(signer, options),
    )
    writer = open_writer(pdf)
    pdf_signer, params = build_pdf_signer(prepared, writer, post_sign_levels=False)

    async def run() -> tuple[PreparedByteRangeDigest, bytes]:
        digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, bytes_reserved=prepared.bytes_reserved, appearance_text_params=params
        )
        output.seek(0)
        return digest, output.read()

    try:
        digest, prepared_pdf = run_sync(run())
    except PyHankoSigningError as exc:
        raise SigningError(f"Не удалось подготовить документ к подписи: {exc}") from exc
    return PreparedPdf(prepared_pdf, digest.reserved_region_start, digest.reserved_region_end)


def embed_cms(prepared: PreparedPdf, cms_der: bytes) -> bytes:
    """Write a DER CMS into the placeholder of a prepared PDF."""
    from asn1crypto import cms

    region = prepared.region_end - prepared.region_start - 2
    if 2 * len(cms_der) > region:
        raise SigningError("Подпись не помещается в зарезервированное место документа")
    output = io.BytesIO(prepared.pdf)
    digest = PreparedByteRangeDigest(
        document_digest=hashlib.sha256(prepared.signed_bytes).digest(),
        reserved_region_start=prepared.region_start,
        reserved_region_end=prepared.region_end,
    )
    PdfTBSDocument.finish_signing(output, digest, cms.ContentInfo.load(cms_der))
    return output.getvalue()


def sign_pdf_gost(
    signer: GostSigner,
    pdf: bytes,
    options: SigningOptions,
    style: object,
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Sign one PDF with a ГОСТ key: PAdES B-B, or B-T with ``timestamper``."""
    cert = signer.signing_cert
    assert cert is not None
    prepared = prepare_pdf(pdf, cert, signer.chain, options, stamp_style=style)
    message_digest = backend.digest_parts(prepared.parts(), signer.algorithm)
    content = signer.sign_content_digest(message_digest, timestamper=timestamper)
    return embed_cms(prepared, content)
