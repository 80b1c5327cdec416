"""Signers: a PKCS#12 file, a PKCS#11 token, and the base for external (deferred) signers.

Every signer is a pyHanko :class:`~pyhanko.sign.signers.pdf_cms.Signer`, so an external GOST/CAdES
signer can be plugged in later by subclassing ``Signer`` (raw signature) or by returning a whole CMS
through :mod:`signing.deferred`, without changing the rest of the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.keys import load_certs_from_pemder
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_cms import Signer, SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

from .errors import SignerUnavailable
from .gost.signer import GostSigner, load_gost_pkcs12

__all__ = [
    "KeyReusingSigner",
    "Signer",
    "load_certificates",
    "load_pkcs12",
    "open_pkcs11",
]


def _to_asn1_cert(cert: object) -> asn1_x509.Certificate:
    der = cert.public_bytes(serialization.Encoding.DER)  # type: ignore[attr-defined]
    return asn1_x509.Certificate.load(der)


class KeyReusingSigner(SimpleSigner):
    """In-memory signer that parses its private key once and reuses the key object.

    pyHanko's ``SimpleSigner`` re-parses the DER key on every raw signature and signs once more
    for the size estimate; this one keeps the ``cryptography`` key object and answers dry runs
    with a zero signature of the right size, so a batch pays one RSA operation per document.
    """

    def __init__(
        self,
        private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
        signing_cert: asn1_x509.Certificate,
        chain: Iterable[asn1_x509.Certificate] = (),
    ) -> None:
        key_der = private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        registry = SimpleCertificateStore()
        registry.register_multiple(list(chain))
        super().__init__(
            signing_cert=signing_cert,
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            cert_registry=registry,
        )
        self._private_key = private_key
        self.raw_signatures = 0

    @property
    def signature_size(self) -> int:
        """Size in bytes of one raw signature value."""
        if isinstance(self._private_key, rsa.RSAPrivateKey):
            return self._private_key.key_size // 8
        return 2 * ((self._private_key.curve.key_size + 7) // 8) + 9

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        """Sign ``data``; a dry run (size estimate) returns zeros without touching the key."""
        if dry_run:
            return bytes(self.signature_size)
        return self.sign_raw(data, digest_algorithm)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Produce a raw signature with the cached key object."""
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algo = mechanism.signature_algo
        key = self._private_key
        self.raw_signatures += 1
        if algo == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if algo == "rsassa_pss" and isinstance(key, rsa.RSAPrivateKey):
            padding, hash_algo = process_pss_params(mechanism["parameters"])
            return key.sign(data, padding, hash_algo)
        if algo == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        raise PyHankoSigningError(f"unsupported signature mechanism {algo}")


def load_certificates(paths: Iterable[Path]) -> list[asn1_x509.Certificate]:
    """Load PEM or DER certificates from files."""
    return list(load_certs_from_pemder([str(p) for p in paths]))


def load_pkcs12(path: Path, password: bytes | None) -> KeyReusingSigner | GostSigner:
    """Open a PKCS#12 file once and return a signer holding the parsed key.

    RSA and ECDSA keys are read with ``cryptography``; a file it cannot read is tried as a ГОСТ
    key through OpenSSL's gost engine before the password is blamed.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SignerUnavailable(f"Не удалось прочитать файл ключа {path.name}") from exc
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password)
    except ValueError as exc:
        gost = _gost_pkcs12(path, password)
        if gost is not None:
            return gost
        raise SignerUnavailable(
            f"Не удалось открыть файл ключа {path.name}: неверный пароль или повреждённый файл"
        ) from exc
    if key is None or cert is None:
        raise SignerUnavailable(f"В файле {path.name} нет закрытого ключа с сертификатом")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SignerUnavailable("Поддерживаются только ключи RSA и ECDSA")
    return KeyReusingSigner(key, _to_asn1_cert(cert), [_to_asn1_cert(c) for c in extra])


def _gost_pkcs12(path: Path, password: bytes | None) -> GostSigner | None:
    try:
        return load_gost_pkcs12(path, password)
    except SignerUnavailable:
        return None


def signer_from_key(
    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    cert: object,
    chain: Iterable[object] = (),
) -> KeyReusingSigner:
    """Build a signer from ``cryptography`` key and certificate objects (or asn1crypto certs)."""

    def conv(c: object) -> asn1_x509.Certificate:
        if isinstance(c, asn1_x509.Certificate):
            # Re-parse: an in-memory built certificate re-encodes its whole tree on every
            # dump(), which the CMS does several times per signature.
            return asn1_x509.Certificate.load(c.dump())
        return _to_asn1_cert(c)

    return KeyReusingSigner(private_key, conv(cert), [conv(c) for c in chain])


@contextmanager
def open_pkcs11(
    module: str,
    token_label: str,
    key_label: str,
    pin: str,
    *,
    cert_label: str | None = None,
    chain: Iterable[asn1_x509.Certificate] = (),
) -> Iterator[Signer]:
    """Log in to a PKCS#11 token once; yield a signer that reuses the session until exit."""
    from pkcs11.exceptions import PKCS11Error
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    try:
        session = open_pkcs11_session(
            module, token_criteria=TokenCriteria(label=token_label), user_pin=pin
        )
    except (PKCS11Error, PyHankoSigningError, OSError, RuntimeError) as exc:
        raise SignerUnavailable(
            f"Не удалось открыть токен «{token_label}»: {type(exc).__name__}"
        ) from exc
    try:
        chain = list(chain)
        signer = PKCS11Signer(
            session,
            key_label=key_label,
            cert_label=cert_label or key_label,
            ca_chain=chain,
            # Without a given chain, take the CA certificates stored on the token.
            other_certs_to_pull=() if chain else None,
        )
        yield signer
    finally:
        session.close()


def digest_for(algorithm: str) -> hashes.HashAlgorithm:
    """Return the ``cryptography`` hash object for a pyHanko digest name."""
    return get_pyca_cryptography_hash(algorithm)
