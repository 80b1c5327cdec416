"""Small, behaviour-preserving speed-ups of pyHanko hot paths for batch signing.

pyHanko rebuilds the signing-certificate-v2 attribute from the certificate for every signature;
encoding that freshly built ASN.1 tree (the issuer name re-encoded node by node) costs ~9 ms, more
than everything else in the CMS. The value depends only on the certificate, so it is built once
per certificate and re-parsed from its DER (parsing is lazy and dumping returns the same bytes).
"""

from __future__ import annotations

import functools

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.sign import attributes
from pyhanko.sign.general import as_signing_certificate_v2

_installed = False


@functools.lru_cache(maxsize=64)
def _signing_certificate_der(cert_der: bytes, hash_algo: str) -> bytes:
    cert = asn1_x509.Certificate.load(cert_der)
    return bytes(as_signing_certificate_v2(cert, hash_algo).dump())


def cached_signing_certificate_v2(
    cert: asn1_x509.Certificate, hash_algo: str = "sha256"
) -> tsp.SigningCertificateV2:
    """Same value as pyHanko's ``as_signing_certificate_v2``, built once per certificate."""
    return tsp.SigningCertificateV2.load(_signing_certificate_der(cert.dump(), hash_algo))


def install() -> None:
    """Route pyHanko's signing-certificate attribute provider through the cache (idempotent)."""
    global _installed
    if not _installed:
        attributes.as_signing_certificate_v2 = cached_signing_certificate_v2
        _installed = True
