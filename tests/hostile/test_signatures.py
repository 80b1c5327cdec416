"""Tampered signatures end in a Russian verdict (exit 1 from `vedomost verify`), never a traceback,
and changes after signing are listed; a changed document id or page content is not valid."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from signing.pades import SigningOptions, sign_pdf
from signing.validate import validate
from tests.fixtures.signing import running_test_pki
from tests.hostile import tamper


@pytest.fixture(scope="module")
def test_pki(tmp_path_factory: pytest.TempPathFactory):
    """The declared test PKI on a port range of this module's own (these checks fetch nothing)."""
    with running_test_pki(tmp_path_factory.mktemp("hostile-pki")) as pki:
        yield pki


@pytest.fixture(scope="module")
def signed(test_pki, two_page_pdf: bytes) -> bytes:
    return sign_pdf(two_page_pdf, test_pki.signer("director"), SigningOptions())


def _other_cert(test_pki):
    """A real certificate of the same PKI that is not the signer's."""
    return test_pki.cert("teacher")


CASES: list[tuple[str, Callable[[bytes, object], bytes], str]] = [
    ("zeros", lambda pdf, pki: tamper.with_container(pdf, b""), "Подпись повреждена"),
    (
        "garbage",
        lambda pdf, pki: tamper.with_container(pdf, bytes(range(256)) * 4),
        "Подпись повреждена",
    ),
    (
        "truncated",
        lambda pdf, pki: tamper.with_container(pdf, tamper.container(pdf)[:300]),
        "Подпись повреждена",
    ),
    (
        "swapped-certificate",
        lambda pdf, pki: tamper.swap_certificate(pdf, _other_cert(pki), with_sid=False),
        "",
    ),
    (
        "swapped-certificate-and-signer-id",
        lambda pdf, pki: tamper.swap_certificate(pdf, _other_cert(pki), with_sid=True),
        "",
    ),
    ("no-certificates", lambda pdf, pki: tamper.drop_certificates(pdf), ""),
    ("flipped-signature-value", lambda pdf, pki: tamper.flip_signature_value(pdf), ""),
    (
        "document-id-changed",
        lambda pdf, pki: tamper.change_document_id(pdf),
        "изменён идентификатор документа",
    ),
    (
        "page-content-changed",
        lambda pdf, pki: tamper.change_page_content(pdf),
        "",
    ),
    (
        "byte-flipped-in-signed-range",
        lambda pdf, pki: pdf[:400] + bytes([pdf[400] ^ 0x01]) + pdf[401:],
        "",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_tampered_signature_gets_a_russian_verdict(case, signed: bytes, test_pki) -> None:
    """GIVEN a signed PDF tampered one way WHEN validated THEN not valid, with a Russian reason."""
    _, make, fragment = case
    pdf = make(signed, test_pki)
    report = validate(pdf, [test_pki.root])
    assert not report.valid
    text = report.to_text()
    assert "ПОДПИСИ НЕ ПОДТВЕРЖДЕНЫ" in text
    assert fragment in text, text
    problems = [p for s in report.signatures for p in s.problems]
    assert problems, text


def test_swapped_certificate_is_named(signed: bytes, test_pki) -> None:
    pdf = tamper.swap_certificate(signed, _other_cert(test_pki), with_sid=True)
    text = validate(pdf, [test_pki.root]).to_text()
    assert "не соответствует" in text or "Подпись повреждена" in text, text


def test_intact_signature_is_valid(signed: bytes, test_pki) -> None:
    assert validate(signed, [test_pki.root]).valid
