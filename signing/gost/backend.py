"""ГОСТ Р 34.11-2012 (Streebog) and ГОСТ Р 34.10-2012 through one small interface.

The implementation is OpenSSL 3 with Debian's ``libengine-gost-openssl`` (the reference open
source ГОСТ engine), called in-process through :mod:`ctypes`: no shell, no temporary files, no
elliptic-curve arithmetic of our own. The engine also owns the byte-order conventions: it signs
the Streebog digest as given and returns the CMS signature value (``s || r``, big-endian), and
it reads the little-endian public keys of ГОСТ certificates itself. See ``docs/signing.md`` for
why this was chosen over the pure-Python ``gostcrypto``.
"""

from __future__ import annotations

import ctypes
import enum
from dataclasses import dataclass
from typing import Protocol

from . import _libcrypto
from ._libcrypto import GostUnavailable

__all__ = [
    "GostAlgorithm",
    "GostError",
    "GostKey",
    "GostPrivateKey",
    "GostUnavailable",
    "certificate_signed_by",
    "digest",
    "is_gost_certificate",
    "load_pkcs12",
    "verify_digest",
]


class GostError(ValueError):
    """A ГОСТ key, certificate or signature could not be processed."""


class GostAlgorithm(enum.Enum):
    """A ГОСТ Р 34.10-2012 key size with its Streebog digest and OIDs (RFC 9215)."""

    GOST_256 = 256
    GOST_512 = 512

    @property
    def digest_oid(self) -> str:
        """id-tc26-gost3411-12-256 / -512."""
        return "1.2.643.7.1.1.2.2" if self is GostAlgorithm.GOST_256 else "1.2.643.7.1.1.2.3"

    @property
    def signature_oid(self) -> str:
        """id-tc26-signwithdigest-gost3410-12-256 / -512."""
        return "1.2.643.7.1.1.3.2" if self is GostAlgorithm.GOST_256 else "1.2.643.7.1.1.3.3"

    @property
    def key_oid(self) -> str:
        """id-tc26-gost3410-12-256 / -512 (the public key algorithm)."""
        return "1.2.643.7.1.1.1.1" if self is GostAlgorithm.GOST_256 else "1.2.643.7.1.1.1.2"

    @property
    def digest_size(self) -> int:
        """Digest length in bytes."""
        return self.value // 8

    @property
    def _md_name(self) -> bytes:
        return b"md_gost12_256" if self is GostAlgorithm.GOST_256 else b"md_gost12_512"

    @classmethod
    def for_digest_oid(cls, oid: str) -> GostAlgorithm | None:
        """Return the algorithm whose Streebog digest has ``oid``, if any."""
        return next((a for a in cls if a.digest_oid == oid), None)

    @classmethod
    def for_key_oid(cls, oid: str) -> GostAlgorithm | None:
        """Return the algorithm whose public key has ``oid``, if any."""
        return next((a for a in cls if a.key_oid == oid), None)


def is_gost_certificate(der_or_cert: object) -> bool:
    """True when a certificate (asn1crypto object) carries a ГОСТ Р 34.10-2012 public key."""
    try:
        info = der_or_cert["tbs_certificate"]["subject_public_key_info"]  # type: ignore[index]
        return GostAlgorithm.for_key_oid(info["algorithm"]["algorithm"].dotted) is not None
    except (KeyError, TypeError, ValueError):
        return False


def _md(algorithm: GostAlgorithm) -> int:
    md = _libcrypto.lib().EVP_get_digestbyname(algorithm._md_name)
    if not md:
        raise GostUnavailable("Streebog digest not available in OpenSSL")
    return int(md)


def digest(data: bytes | memoryview, algorithm: GostAlgorithm) -> bytes:
    """Return the Streebog (ГОСТ Р 34.11-2012) digest of ``data``."""
    lib = _libcrypto.lib()
    out = ctypes.create_string_buffer(64)
    size = ctypes.c_uint()
    raw = bytes(data)
    if lib.EVP_Digest(raw, len(raw), out, ctypes.byref(size), _md(algorithm), None) != 1:
        raise GostError("Streebog digest failed")
    return out.raw[: size.value]


def digest_parts(parts: list[memoryview], algorithm: GostAlgorithm) -> bytes:
    """Streebog over several buffers in order (a PDF byte range) without joining them."""
    lib = _libcrypto.lib()
    ctx = lib.EVP_MD_CTX_new()
    if not ctx:
        raise MemoryError
    try:
        if lib.EVP_DigestInit_ex(ctx, _md(algorithm), None) != 1:
            raise GostError("Streebog init failed")
        for part in parts:
            chunk = bytes(part)
            if lib.EVP_DigestUpdate(ctx, chunk, len(chunk)) != 1:
                raise GostError("Streebog update failed")
        out = ctypes.create_string_buffer(64)
        size = ctypes.c_uint()
        if lib.EVP_DigestFinal_ex(ctx, out, ctypes.byref(size)) != 1:
            raise GostError("Streebog final failed")
        return out.raw[: size.value]
    finally:
        lib.EVP_MD_CTX_free(ctx)


@dataclass(frozen=True)
class Pkcs12Contents:
    """What a ГОСТ PKCS#12 file holds: the key, its certificate and the CA certificates."""

    key: GostKey
    certificate: bytes
    chain: tuple[bytes, ...]


class GostPrivateKey(Protocol):
    """What a signer needs from a ГОСТ key: its size and a signature of a Streebog digest.

    :class:`GostKey` (OpenSSL) implements it; a token key (PKCS#11 ``CKM_GOSTR3410`` over the
    digest) would implement the same two members and plug into :class:`~.signer.GostSigner`.
    """

    algorithm: GostAlgorithm

    def sign_digest(self, value: bytes) -> bytes:
        """Return the CMS signature value (``s || r``) of a Streebog digest."""
        ...


class GostKey:
    """A ГОСТ Р 34.10-2012 private key held by OpenSSL; it never leaves the C library."""

    def __init__(self, pkey: int) -> None:
        self._pkey = pkey
        bits = _libcrypto.lib().EVP_PKEY_get_bits(pkey)
        self.algorithm = GostAlgorithm.GOST_512 if bits > 256 else GostAlgorithm.GOST_256

    def sign_digest(self, value: bytes) -> bytes:
        """Sign a Streebog digest; returns the CMS signature value (``s || r``)."""
        lib = _libcrypto.lib()
        ctx = lib.EVP_PKEY_CTX_new(self._pkey, None)
        if not ctx:
            raise GostError("cannot create signing context")
        try:
            if lib.EVP_PKEY_sign_init(ctx) != 1:
                raise GostError("not a ГОСТ signing key")
            size = ctypes.c_size_t(0)
            if lib.EVP_PKEY_sign(ctx, None, ctypes.byref(size), value, len(value)) != 1:
                raise GostError("signature size query failed")
            out = ctypes.create_string_buffer(size.value)
            if lib.EVP_PKEY_sign(ctx, out, ctypes.byref(size), value, len(value)) != 1:
                raise GostError("ГОСТ signature failed")
            return out.raw[: size.value]
        finally:
            lib.EVP_PKEY_CTX_free(ctx)
            lib.ERR_clear_error()

    def __del__(self) -> None:
        pkey, self._pkey = getattr(self, "_pkey", 0), 0
        if pkey and _libcrypto is not None:
            _libcrypto.lib().EVP_PKEY_free(pkey)

    @classmethod
    def from_pem(cls, pem: bytes) -> GostKey:
        """Load an unencrypted PEM private key (``openssl genpkey -algorithm gost2012_256``)."""
        lib = _libcrypto.lib()
        bio = lib.BIO_new_mem_buf(pem, len(pem))
        try:
            pkey = lib.PEM_read_bio_PrivateKey(bio, None, None, None)
        finally:
            lib.BIO_free(bio)
        if not pkey:
            lib.ERR_clear_error()
            raise GostError("not a ГОСТ private key")
        return cls(int(pkey))


def load_pkcs12(data: bytes, password: bytes | None) -> Pkcs12Contents:
    """Open a PKCS#12 file with a ГОСТ key (any cipher and MAC OpenSSL knows)."""
    lib = _libcrypto.lib()
    bio = lib.BIO_new_mem_buf(data, len(data))
    p12 = lib.d2i_PKCS12_bio(bio, None)
    lib.BIO_free(bio)
    if not p12:
        lib.ERR_clear_error()
        raise GostError("not a PKCS#12 file")
    pkey, cert, ca = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    try:
        ok = lib.PKCS12_parse(
            p12, password or b"", ctypes.byref(pkey), ctypes.byref(cert), ctypes.byref(ca)
        )
    finally:
        lib.PKCS12_free(p12)
    if ok != 1:
        lib.ERR_clear_error()
        raise GostError("wrong password or damaged PKCS#12")
    try:
        if not pkey.value or not cert.value:
            raise GostError("no key with a certificate in PKCS#12")
        chain: list[bytes] = []
        if ca.value:
            for i in range(lib.OPENSSL_sk_num(ca)):
                chain.append(_libcrypto.x509_to_der(lib.OPENSSL_sk_value(ca, i)))
        key = GostKey(int(pkey.value))
        pkey.value = None
        return Pkcs12Contents(key, _libcrypto.x509_to_der(cert.value), tuple(chain))
    finally:
        if pkey.value:
            lib.EVP_PKEY_free(pkey)
        if cert.value:
            lib.X509_free(cert)
        if ca.value:
            lib.OPENSSL_sk_pop_free(ca, ctypes.cast(lib.X509_free, ctypes.c_void_p))


def _with_cert(der: bytes) -> int:
    cert = _libcrypto.x509_from_der(der)
    if not cert:
        _libcrypto.lib().ERR_clear_error()
        raise GostError("unreadable certificate")
    return cert


def verify_digest(certificate: bytes, value: bytes, signature: bytes) -> bool:
    """Check a ГОСТ signature of a Streebog digest with the public key of ``certificate``."""
    lib = _libcrypto.lib()
    cert = _with_cert(certificate)
    try:
        pubkey = lib.X509_get0_pubkey(cert)
        if not pubkey:
            return False
        ctx = lib.EVP_PKEY_CTX_new(pubkey, None)
        try:
            if not ctx or lib.EVP_PKEY_verify_init(ctx) != 1:
                return False
            return bool(lib.EVP_PKEY_verify(ctx, signature, len(signature), value, len(value)) == 1)
        finally:
            lib.EVP_PKEY_CTX_free(ctx)
    finally:
        lib.X509_free(cert)
        lib.ERR_clear_error()


def certificate_signed_by(certificate: bytes, issuer: bytes) -> bool:
    """True when ``issuer``'s key made the signature on ``certificate`` (ГОСТ or not)."""
    lib = _libcrypto.lib()
    cert = _with_cert(certificate)
    try:
        parent = _with_cert(issuer)
        try:
            pubkey = lib.X509_get0_pubkey(parent)
            return bool(pubkey) and lib.X509_verify(cert, pubkey) == 1
        finally:
            lib.X509_free(parent)
    finally:
        lib.X509_free(cert)
        lib.ERR_clear_error()
