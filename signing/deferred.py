"""Deferred (interrupted) signing: the key never enters this process.

``prepare_deferred`` writes the signature placeholder, computes the document digest and the CMS
signed attributes, and returns a :class:`DeferredSigning` (serialisable to JSON). The key holder
signs ``data_to_sign`` (RSA PKCS#1 v1.5 with SHA-256 over the DER signed attributes) — or
produces a whole CMS/CAdES container, e.g. a future GOST signer — and ``finish_deferred`` embeds
it into the same PDF, then adds the time-stamp and B-LT/B-LTA data as requested.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
from dataclasses import dataclass

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import ExternalSigner
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument, PdfTimeStamper
from pyhanko.sign.timestamps import TimestampRequestError
from pyhanko.sign.validation import add_validation_info
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .errors import SigningError
from .levels import Level, timestamper_for, validation_context
from .pades import PreparedSigner, SigningOptions, build_pdf_signer, estimate_reserve, open_writer
from .stamp import gost_stamp_style

_MD = "sha256"


@dataclass(frozen=True)
class DeferredSigning:
    """State between preparing a PDF and embedding the externally made signature."""

    prepared_pdf: bytes
    document_digest: bytes
    region_start: int
    region_end: int
    signed_attrs: bytes
    certificate: bytes
    chain: tuple[bytes, ...]
    level: Level
    field_name: str
    tsa_url: str | None

    @property
    def data_to_sign(self) -> bytes:
        """The bytes the key holder signs (DER of the CMS signed attributes)."""
        return self.signed_attrs

    @property
    def digest_to_sign(self) -> bytes:
        """SHA-256 of :attr:`data_to_sign`, for signers that take a pre-computed hash."""
        return hashlib.sha256(self.signed_attrs).digest()

    def to_json(self) -> str:
        """Serialise the state (binary fields in base64)."""
        b64 = base64.b64encode
        return json.dumps(
            {
                "prepared_pdf": b64(self.prepared_pdf).decode(),
                "document_digest": self.document_digest.hex(),
                "region_start": self.region_start,
                "region_end": self.region_end,
                "signed_attrs": b64(self.signed_attrs).decode(),
                "certificate": b64(self.certificate).decode(),
                "chain": [b64(c).decode() for c in self.chain],
                "level": self.level.value,
                "field_name": self.field_name,
                "tsa_url": self.tsa_url,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> DeferredSigning:
        """Read the state written by :meth:`to_json`."""
        d = json.loads(text)
        b64 = base64.b64decode
        return cls(
            prepared_pdf=b64(d["prepared_pdf"]),
            document_digest=bytes.fromhex(d["document_digest"]),
            region_start=int(d["region_start"]),
            region_end=int(d["region_end"]),
            signed_attrs=b64(d["signed_attrs"]),
            certificate=b64(d["certificate"]),
            chain=tuple(b64(c) for c in d["chain"]),
            level=Level(d["level"]),
            field_name=str(d["field_name"]),
            tsa_url=d["tsa_url"],
        )


def _external_signer(
    cert: asn1_x509.Certificate, chain: list[asn1_x509.Certificate], value: bytes | int
) -> ExternalSigner:
    registry = SimpleCertificateStore()
    registry.register_multiple(chain)
    return ExternalSigner(signing_cert=cert, cert_registry=registry, signature_value=value)


def prepare_deferred(
    pdf: bytes,
    certificate: asn1_x509.Certificate,
    chain: list[asn1_x509.Certificate],
    options: SigningOptions,
) -> DeferredSigning:
    """Prepare ``pdf`` for a signature made elsewhere and return what the key holder must sign."""
    if options.level.needs_tsa and not options.tsa_url:
        raise SigningError(f"Для уровня {options.level.value} нужен адрес службы штампов времени")
    from .gost.backend import is_gost_certificate

    if is_gost_certificate(certificate):
        raise SigningError(
            "Для сертификата ГОСТ подготовьте документ командой sign-prepare: подпись "
            "делается внешней программой CAdES над подготовленным файлом"
        )
    placeholder = certificate.public_key.byte_size
    signer = _external_signer(certificate, chain, placeholder)
    prepared = PreparedSigner(
        signer=signer,
        options=options,
        timestamper=None,
        stamp_style=gost_stamp_style(options.stamp_font) if options.stamp else None,
        bytes_reserved=estimate_reserve(signer, options),
    )
    writer: IncrementalPdfFileWriter = open_writer(pdf)
    pdf_signer, params = build_pdf_signer(prepared, writer, post_sign_levels=False)

    async def run() -> tuple[PreparedByteRangeDigest, cms.CMSAttributes, bytes]:
        digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, bytes_reserved=prepared.bytes_reserved, appearance_text_params=params
        )
        attrs = await signer.signed_attrs(digest.document_digest, _MD, use_pades=True)
        output.seek(0)
        return digest, attrs, output.read()

    try:
        digest, attrs, prepared_pdf = asyncio.run(run())
    except PyHankoSigningError as exc:
        raise SigningError(f"Не удалось подготовить документ к подписи: {exc}") from exc
    return DeferredSigning(
        prepared_pdf=prepared_pdf,
        document_digest=digest.document_digest,
        region_start=digest.reserved_region_start,
        region_end=digest.reserved_region_end,
        signed_attrs=attrs.dump(),
        certificate=certificate.dump(),
        chain=tuple(c.dump() for c in chain),
        level=options.level,
        field_name=options.field_name,
        tsa_url=options.tsa_url,
    )


def finish_deferred(
    state: DeferredSigning,
    *,
    signature: bytes | None = None,
    cms_container: bytes | None = None,
    trust_roots: tuple[asn1_x509.Certificate, ...] = (),
) -> bytes:
    """Embed an external signature value (or a whole CMS) and complete the requested level."""
    if (signature is None) == (cms_container is None):
        raise SigningError("Нужно передать либо значение подписи, либо готовый контейнер CMS")
    cert = asn1_x509.Certificate.load(state.certificate)
    chain = [asn1_x509.Certificate.load(c) for c in state.chain]
    timestamper = timestamper_for(state.tsa_url, state.level)
    if cms_container is not None:
        content = cms.ContentInfo.load(cms_container)
    else:
        assert signature is not None
        ext = _external_signer(cert, chain, signature)
        try:
            content = asyncio.run(
                ext.async_sign_prescribed_attributes(
                    _MD,
                    signed_attrs=cms.CMSAttributes.load(state.signed_attrs),
                    timestamper=timestamper,
                )
            )
        except TimestampRequestError as exc:
            raise SigningError("Служба штампов времени недоступна") from exc
    output = io.BytesIO(state.prepared_pdf)
    digest = PreparedByteRangeDigest(
        document_digest=state.document_digest,
        reserved_region_start=state.region_start,
        reserved_region_end=state.region_end,
    )
    PdfTBSDocument.finish_signing(output, digest, content)
    signed = output.getvalue()
    if state.level.embeds_revocation:
        signed = _extend_to_lt(signed, state.field_name, trust_roots, chain)
    if state.level is Level.B_LTA:
        assert timestamper is not None
        signed = _add_document_timestamp(signed, trust_roots, chain, state.tsa_url or "")
    return signed


def _extend_to_lt(
    pdf: bytes,
    field_name: str,
    trust_roots: tuple[asn1_x509.Certificate, ...],
    chain: list[asn1_x509.Certificate],
) -> bytes:
    """Add the DSS with certificates and revocation data for one signature."""
    if not trust_roots:
        raise SigningError("Для уровня B-LT нужны доверенные корневые сертификаты")
    reader = PdfFileReader(io.BytesIO(pdf))
    sig = next(s for s in reader.embedded_signatures if s.field_name == field_name)
    vc = validation_context(trust_roots, other_certs=chain, fetch=True, revocation_mode="hard-fail")
    out = io.BytesIO()
    add_validation_info(sig, vc, output=out)
    return out.getvalue()


def _add_document_timestamp(
    pdf: bytes,
    trust_roots: tuple[asn1_x509.Certificate, ...],
    chain: list[asn1_x509.Certificate],
    tsa_url: str,
) -> bytes:
    timestamper = timestamper_for(tsa_url, Level.B_LTA)
    assert timestamper is not None
    vc = validation_context(trust_roots, other_certs=chain, fetch=True, revocation_mode="hard-fail")
    out = io.BytesIO()
    PdfTimeStamper(timestamper).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), _MD, validation_context=vc, output=out
    )
    return out.getvalue()
