"""Signers used across the signing tests, built from the session test PKI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.deferred import DeferredSigning, finish_deferred, prepare_deferred
from signing.pades import SigningOptions, sign_pdf
from signing.signers import load_pkcs12, open_pkcs11
from tests.fixtures.signing import SchoolPki, SoftHsmToken

P12_PASSWORD = b"p12-test-password"

# Runs in a separate process: the key never enters the test process during deferred signing.
REMOTE_SIGNER = """
import sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
key = serialization.load_pem_private_key(open(sys.argv[1], 'rb').read(), password=b'secret')
data = open(sys.argv[2], 'rb').read()
open(sys.argv[3], 'wb').write(key.sign(data, PKCS1v15(), hashes.SHA256()))
"""


@pytest.fixture(scope="session")
def roots_pem(test_pki: SchoolPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test PKI's root certificate as a PEM file (for openssl and the CLI)."""
    from asn1crypto import pem

    path = tmp_path_factory.mktemp("roots") / "root.pem"
    path.write_bytes(pem.armor("CERTIFICATE", test_pki.root.dump()))
    return path


@pytest.fixture(scope="session")
def director_p12(test_pki: SchoolPki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The director's key and chain as a password-protected PKCS#12 file."""
    from cryptography import x509

    key = test_pki.private_key("director")
    cert = x509.load_der_x509_certificate(test_pki.cert("director").dump())
    chain = [x509.load_der_x509_certificate(c.dump()) for c in (test_pki.interm, test_pki.root)]
    data = pkcs12.serialize_key_and_certificates(
        b"director", key, cert, chain, serialization.BestAvailableEncryption(P12_PASSWORD)
    )
    path = tmp_path_factory.mktemp("p12") / "director.p12"
    path.write_bytes(data)
    return path


def sign_deferred_in_subprocess(
    pdf: bytes, test_pki: SchoolPki, options: SigningOptions, tmp: Path, label: str = "director"
) -> bytes:
    """Prepare here, sign the data in another process holding the key, finish here."""
    chain = [test_pki.interm, test_pki.root]
    state = prepare_deferred(pdf, test_pki.cert(label), chain, options)
    state = DeferredSigning.from_json(state.to_json())  # the state survives serialisation
    key_path = tmp / f"{label}.key.pem"
    key_path.write_bytes(
        test_pki.private_key(label).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    (tmp / "tbs.bin").write_bytes(state.data_to_sign)
    subprocess.run(
        [
            sys.executable,
            "-c",
            REMOTE_SIGNER,
            str(key_path),
            str(tmp / "tbs.bin"),
            str(tmp / "sig.bin"),
        ],
        check=True,
    )
    return finish_deferred(
        state, signature=(tmp / "sig.bin").read_bytes(), trust_roots=(test_pki.root,)
    )


SignFn = Callable[[bytes, SigningOptions], bytes]


@pytest.fixture
def sign_with_kind(
    request: pytest.FixtureRequest, test_pki: SchoolPki, director_p12: Path, tmp_path: Path
) -> Callable[[str], SignFn]:
    """Return a function that signs with the director's key through the named signer kind."""

    def factory(kind: str) -> SignFn:
        if kind == "pkcs12":
            signer = load_pkcs12(director_p12, P12_PASSWORD)
            return lambda pdf, options: sign_pdf(pdf, signer, options)
        if kind == "pkcs11":
            token: SoftHsmToken = request.getfixturevalue("softhsm_token")

            def via_token(pdf: bytes, options: SigningOptions) -> bytes:
                with open_pkcs11(
                    token.module,
                    token.token_label,
                    token.key_label,
                    token.pin,
                    chain=[test_pki.interm, test_pki.root],
                ) as signer:
                    return sign_pdf(pdf, signer, options)

            return via_token
        if kind == "deferred":
            return lambda pdf, options: sign_deferred_in_subprocess(
                pdf, test_pki, options, tmp_path
            )
        raise AssertionError(kind)

    return factory


@pytest.fixture(scope="session", params=[256, 512], ids=["gost256", "gost512"])
def gost_pki(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> object:
    """A ГОСТ Р 34.10-2012 CA with director and teacher keys, made by OpenSSL's gost engine."""
    from signing.gost.demo_pki import generate_gost_pki

    bits = int(request.param)
    return generate_gost_pki(tmp_path_factory.mktemp(f"gost{bits}"), bits)
