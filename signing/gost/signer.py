"""A ГОСТ signer with the same shape as the RSA ones, so batches and the CLI take it unchanged.

It is a pyHanko :class:`~pyhanko.sign.signers.pdf_cms.Signer` (signing certificate, CA
certificates in ``cert_registry``) so field set-up, the reserved size and the stamp use the
common code; the CMS itself is built by :mod:`.cades`, because pyHanko hashes and signs with
algorithms it knows, and Streebog is not one of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..errors import SignerUnavailable, SigningError
from . import backend, cades
from .backend import GostAlgorithm, GostError, GostPrivateKey, GostUnavailable

if TYPE_CHECKING:
    from pyhanko.stamp import BaseStampStyle

    from ..pades import SigningOptions

__all__ = ["GostSigner", "load_gost_pkcs12"]


class GostSigner(Signer):
    """A ГОСТ Р 34.10-2012 key (256 or 512 bits) with its certificate and CA certificates."""

    def __init__(
        self,
        key: GostPrivateKey,
        signing_cert: asn1_x509.Certificate,
        chain: Sequence[asn1_x509.Certificate] = (),
    ) -> None:
        registry = SimpleCertificateStore()
        registry.register_multiple(list(chain))
        super().__init__(signing_cert=signing_cert, cert_registry=registry)
        self.key = key
        self.chain = tuple(chain)
        self.raw_signatures = 0
        self._template = cades.CadesTemplate(key, signing_cert, self.chain)

    @property
    def algorithm(self) -> GostAlgorithm:
        """The key's algorithm (256 or 512 bits)."""
        return self.key.algorithm

    def get_signature_mechanism_for_digest(self, digest_algorithm: str | None) -> object:
        """pyHanko asks this only to pick PDF extensions; ГОСТ needs none, so decline."""
        raise PyHankoSigningError("ГОСТ signatures are assembled outside pyHanko")

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        """Sign ``data`` (DER signed attributes) with Streebog and ГОСТ Р 34.10-2012."""
        self.raw_signatures += 1
        return self.key.sign_digest(backend.digest(data, self.algorithm))

    def sign_pdf(
        self,
        pdf: bytes,
        options: SigningOptions,
        stamp_style: BaseStampStyle | None,
        timestamper: TimeStamper | None,
    ) -> bytes:
        """PAdES with a ГОСТ CMS: pyHanko prepares the PDF, :mod:`.pades` signs the byte range."""
        from .pades import sign_pdf_gost

        return sign_pdf_gost(self, pdf, options, stamp_style, timestamper)

    def sign_content_digest(
        self,
        message_digest: bytes,
        signing_time: dt.datetime | None = None,
        timestamper: TimeStamper | None = None,
    ) -> bytes:
        """Return the DER of a detached CAdES over content with this Streebog digest.

        With a ``timestamper`` it is CAdES-T: an RFC 3161 token over the signature value (SHA-256
        imprint; the time-stamp authority need not be a ГОСТ one).
        """
        self.raw_signatures += 1
        stamp = None
        if timestamper is not None:
            stamp = functools.partial(_timestamp_signature, timestamper)
        return self._template.sign(message_digest, signing_time, stamp)


def _timestamp_signature(timestamper: TimeStamper, signature: bytes) -> cms.ContentInfo:
    from ..pades import run_sync

    try:
        token: cms.ContentInfo = run_sync(
            timestamper.async_timestamp(hashlib.sha256(signature).digest(), "sha256")
        )
    except TimestampRequestError as exc:
        raise SigningError("Служба штампов времени недоступна или ответила ошибкой") from exc
    return token


def load_gost_pkcs12(path: Path, password: bytes | None) -> GostSigner:
    """Open a PKCS#12 file holding a ГОСТ key (as ``openssl pkcs12 -export`` makes it)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SignerUnavailable(f"Не удалось прочитать файл ключа {path.name}") from exc
    try:
        contents = backend.load_pkcs12(data, password)
    except GostUnavailable as exc:
        raise SignerUnavailable(
            "Для ключей ГОСТ нужен модуль OpenSSL gost (пакет libengine-gost-openssl)"
        ) from exc
    except GostError as exc:
        raise SignerUnavailable(
            f"Не удалось открыть файл ключа {path.name}: неверный пароль или повреждённый файл"
        ) from exc
    return GostSigner(
        contents.key,
        asn1_x509.Certificate.load(contents.certificate),
        [asn1_x509.Certificate.load(c) for c in contents.chain],
    )
