"""Batch signing opens the key once and signs each document exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign import pkcs11 as pyhanko_pkcs11

from signing.batch import BatchItem, sign_batch, sign_directory
from signing.levels import Level
from signing.pades import SigningOptions
from signing.signers import load_pkcs12, open_pkcs11
from signing.validate import validate
from tests.fixtures.signing import SchoolPki, SoftHsmToken, make_pdf
from tests.signing.conftest import P12_PASSWORD


@pytest.fixture(scope="module")
def period_set() -> list[BatchItem]:
    """50 small 2-page documents (ids only in names)."""
    base = make_pdf(2)
    # Distinct documents: the same render with a different trailing comment byte sequence.
    return [BatchItem(f"doc-{n:03d}.pdf", base + f"\n%doc {n}\n".encode()) for n in range(50)]


def test_pkcs12_batch_parses_the_key_once(
    period_set: list[BatchItem],
    director_p12: Path,
    test_pki: SchoolPki,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GIVEN 50 documents WHEN batch-signed from a PKCS#12 file THEN one unlock, 50 RSA ops."""
    calls = {"p12": 0, "der": 0}
    real_p12 = pkcs12.load_key_and_certificates
    real_der = serialization.load_der_private_key

    def counting_p12(*args, **kwargs):
        calls["p12"] += 1
        return real_p12(*args, **kwargs)

    def counting_der(*args, **kwargs):
        calls["der"] += 1
        return real_der(*args, **kwargs)

    monkeypatch.setattr(pkcs12, "load_key_and_certificates", counting_p12)
    monkeypatch.setattr(serialization, "load_der_private_key", counting_der)

    signer = load_pkcs12(director_p12, P12_PASSWORD)
    results = list(sign_batch(period_set, signer, SigningOptions(stamp=True)))

    assert calls == {"p12": 1, "der": 0}
    assert signer.raw_signatures == 50  # no trial signature for the size estimate
    assert all(r.error is None for r in results)
    for result in (results[0], results[-1]):
        assert result.signed is not None
        assert validate(result.signed, [test_pki.root]).valid


@pytest.mark.hsm
def test_pkcs11_batch_logs_in_once(
    softhsm_token: SoftHsmToken,
    test_pki: SchoolPki,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GIVEN a token WHEN 20 PDFs are batch-signed THEN one login and one signature each."""
    source = tmp_path / "in"
    source.mkdir()
    base = make_pdf(2)
    for n in range(20):
        (source / f"doc-{n:03d}.pdf").write_bytes(base + f"\n%doc {n}\n".encode())
    logins = {"n": 0}
    real_open = pyhanko_pkcs11.open_pkcs11_session

    def counting_open(*args, **kwargs):
        logins["n"] += 1  # every session opened with a PIN is one login
        return real_open(*args, **kwargs)

    monkeypatch.setattr(pyhanko_pkcs11, "open_pkcs11_session", counting_open)
    signed_raw = {"n": 0}
    progress: list[int] = []
    with open_pkcs11(
        softhsm_token.module,
        softhsm_token.token_label,
        softhsm_token.key_label,
        softhsm_token.pin,
        chain=[test_pki.interm, test_pki.root],
    ) as signer:
        real_sign = signer.async_sign_raw

        async def counting_sign(data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
            if not dry_run:
                signed_raw["n"] += 1
            return await real_sign(data, digest_algorithm, dry_run=dry_run)

        signer.async_sign_raw = counting_sign  # type: ignore[method-assign]
        summary = sign_directory(
            source,
            tmp_path / "out",
            signer,
            SigningOptions(level=Level.B_T, tsa_url=test_pki.tsa_url, stamp=True),
            progress=progress.append,
        )
    assert summary.signed == 20 and not summary.failed
    assert logins["n"] == 1
    assert signed_raw["n"] == 20
    assert len(progress) == 20
    report = validate((tmp_path / "out" / "doc-007.pdf").read_bytes(), [test_pki.root])
    assert report.valid and report.signatures[0].pades_level == "B-T"
