"""Tampered, untrusted and expired signatures are reported invalid, with the reason in Russian."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import demo_signer
from signing.errors import UnreadablePdf
from signing.pades import SigningOptions, sign_pdf
from signing.validate import validate
from tests.fixtures.signing import SchoolPki
from tests.signing.helpers import pdfsig


@pytest.fixture(scope="module")
def signed(two_page_pdf: bytes, test_pki: SchoolPki) -> bytes:
    """A validly signed B-B document."""
    return sign_pdf(two_page_pdf, test_pki.signer("director"), SigningOptions(stamp=True))


def test_untampered_document_is_valid(signed: bytes, test_pki: SchoolPki) -> None:
    """The baseline for the tamper tests below validates."""
    assert validate(signed, [test_pki.root]).valid


def test_one_flipped_byte_breaks_integrity(signed: bytes, test_pki: SchoolPki) -> None:
    """GIVEN a signed PDF WHEN one byte inside the signed range flips THEN integrity fails."""
    reader = PdfFileReader(io.BytesIO(signed))
    byte_range = [int(x) for x in reader.embedded_signatures[0].sig_object["/ByteRange"]]
    start, length = byte_range[0], byte_range[1]
    position = signed.index(b"/MediaBox", start, start + length)
    tampered = bytearray(signed)
    tampered[position + 3] ^= 0x01  # "/MediaBox" becomes "/MeeiaBox", inside the signed range
    report = validate(bytes(tampered), [test_pki.root])
    (sig,) = report.signatures
    assert sig.intact is False
    assert not report.valid
    assert "хэш не совпадает" in report.to_text()


def test_drawing_on_a_page_after_signing_is_caught(
    signed: bytes, test_pki: SchoolPki, tmp_path: Path
) -> None:
    """GIVEN a signed PDF WHEN an update draws on page 1 THEN difference analysis flags it.

    poppler's pdfsig still calls the signature valid (it only checks the signed byte range).
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    box = RawContent(b"0 0 1 rg 100 600 200 50 re f", box=None)
    stream = generic.StreamObject(stream_data=box.data)
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    tampered = out.getvalue()

    report = validate(tampered, [test_pki.root])
    (sig,) = report.signatures
    assert sig.intact is True
    assert sig.modification_level == "недопустимые изменения содержимого"
    assert sig.modifications_allowed is False
    assert not report.valid
    assert "недопустимые изменения" in report.to_text()

    path = tmp_path / "drawn.pdf"
    path.write_bytes(tampered)
    assert "Signature is Valid" in pdfsig(path)


def test_signature_from_an_untrusted_root(
    two_page_pdf: bytes, test_pki: SchoolPki, tmp_path: Path
) -> None:
    """GIVEN a signature by the demo PKI WHEN validated against the test root THEN not trusted."""
    signed = sign_pdf(two_page_pdf, demo_signer(tmp_path), SigningOptions())
    report = validate(signed, [test_pki.root])
    (sig,) = report.signatures
    assert sig.intact and sig.cryptographically_valid
    assert sig.trusted is False
    assert sig.trust_problem == "Сертификат не связан с доверенным корневым сертификатом"
    assert not report.valid
    # ...and the same file is valid for someone who trusts the demo root.
    from signing.levels import load_trust_roots

    assert validate(signed, load_trust_roots([tmp_path / "keys" / "root.pem"])).valid


def test_expired_certificate(two_page_pdf: bytes, test_pki: SchoolPki) -> None:
    """GIVEN a certificate that expired in 2022 WHEN it signs now THEN it is not trusted."""
    signed = sign_pdf(two_page_pdf, test_pki.signer("expired"), SigningOptions())
    report = validate(signed, [test_pki.root])
    (sig,) = report.signatures
    assert sig.certificate_valid_to is not None and sig.certificate_valid_to.startswith(
        "2022-01-01"
    )
    assert sig.trusted is False
    assert sig.trust_problem == "Срок действия сертификата истёк"
    assert not report.valid


def test_not_a_pdf_is_reported_unreadable(test_pki: SchoolPki) -> None:
    """Garbage input raises UnreadablePdf (the CLI maps it to exit code 2)."""
    with pytest.raises(UnreadablePdf):
        validate(b"this is not a pdf", [test_pki.root])
