"""The signed attributes of our PAdES signatures, through pyHanko's public provider interface.

pyHanko rebuilds the signing-certificate-v2 attribute from the certificate for every signature;
encoding that freshly built ASN.1 tree (the issuer name re-encoded node by node) costs ~9 ms, more
than everything else in the CMS. The value depends only on the certificate, so it is built once
per certificate and re-parsed from its DER (parsing is lazy and dumping returns the same bytes).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.attributes import (
    CMSAttributeProvider,
    SignedAttributeProviderSpec,
    SigningCertificateV2Provider,
)
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers.pdf_cms import Signer


@functools.lru_cache(maxsize=64)
def _signing_certificate_der(cert_der: bytes, hash_algo: str) -> bytes:
    cert = asn1_x509.Certificate.load(cert_der)
    return bytes(as_signing_certificate_v2(cert, hash_algo).dump())


def cached_signing_certificate_v2(
    cert: asn1_x509.Certificate, hash_algo: str = "sha256"
) -> tsp.SigningCertificateV2:
    """Same value as pyHanko's ``as_signing_certificate_v2``, built once per certificate."""
    return tsp.SigningCertificateV2.load(_signing_certificate_der(cert.dump(), hash_algo))


class CachedSigningCertificateV2Provider(SigningCertificateV2Provider):
    """pyHanko's signing-certificate-v2 provider with the value built once per certificate."""

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        """Return the attribute value for the signer's certificate."""
        return cached_signing_certificate_v2(self.signing_cert)


class PadesSignedAttributes(SignedAttributeProviderSpec):
    """The signed attributes of a PAdES signature without CAdES extras: signing-certificate-v2.

    PAdES forbids the signing-time attribute (the time is in the signature dictionary), and the
    content type and message digest are added by pyHanko itself, so this is pyHanko's own PAdES
    set with the certificate attribute cached.
    """

    def __init__(self, signing_cert: asn1_x509.Certificate) -> None:
        self.signing_cert = signing_cert

    def signed_attr_providers(
        self, data_digest: bytes, digest_algorithm: str
    ) -> Iterable[CMSAttributeProvider]:
        """Yield the providers of the signed attributes."""
        yield CachedSigningCertificateV2Provider(self.signing_cert)


def use_pades_signed_attributes(signer: Signer) -> None:
    """Give ``signer`` the cached PAdES attributes unless it already has its own provider spec."""
    if signer.signed_attr_prov_spec is None and signer.signing_cert is not None:
        signer.signed_attr_prov_spec = PadesSignedAttributes(signer.signing_cert)
