"""Every signer kind × every PAdES level, checked by pyHanko and independently (pdfsig, openssl)."""

from __future__ import annotations

from pathlib import Path

import pytest

from signing.levels import Level
from signing.pades import SigningOptions
from signing.validate import validate
from tests.fixtures.signing import SchoolPki
from tests.signing.helpers import openssl_verify, pdfsig

KINDS = [
    pytest.param("pkcs12", id="pkcs12"),
    pytest.param("pkcs11", id="pkcs11", marks=pytest.mark.hsm),
    pytest.param("deferred", id="deferred"),
]


@pytest.mark.parametrize("level", list(Level), ids=[lv.value for lv in Level])
@pytest.mark.parametrize("kind", KINDS)
def test_signer_kind_at_level_validates(
    kind: str,
    level: Level,
    sign_with_kind,
    two_page_pdf: bytes,
    test_pki: SchoolPki,
    roots_pem: Path,
    tmp_path: Path,
) -> None:
    """GIVEN a 2-page PDF/A WHEN the director signs at LEVEL THEN every check agrees it is valid."""
    options = SigningOptions(
        level=level, tsa_url=test_pki.tsa_url, trust_roots=(test_pki.root,), stamp=True
    )
    signed = sign_with_kind(kind)(two_page_pdf, options)

    report = validate(signed, [test_pki.root])
    assert report.valid, report.to_text()
    first = report.signatures[0]
    assert first.signer_name == "Сидоров Иван Петрович"
    assert first.pades_level == level.value
    assert first.certificate_serial == format(test_pki.cert("director").serial_number, "X").zfill(
        len(first.certificate_serial or "")
    )
    assert (first.timestamp_time is not None) == level.needs_tsa
    assert first.revocation_embedded == level.embeds_revocation
    if level.embeds_revocation:
        assert first.ltv_ok is True
    kinds = [s.kind for s in report.signatures]
    expected = ["signature", "document-timestamp"] if level is Level.B_LTA else ["signature"]
    assert kinds == expected

    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    poppler = pdfsig(path)
    # pdfsig checks the signature's digest; it cannot check document time-stamps.
    assert poppler.count("Signature is Valid") == 1, poppler
    verified = openssl_verify(signed, tmp_path, roots_pem)
    assert verified.returncode == 0, verified.stderr
