"""The verify verdict: not a PDF, damaged signature, changed document, untrusted certificate."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from service.archive.verification import verify_pdf
from service.web.verdict import DAMAGED, MODIFIED, NOT_PDF, UNSIGNED, UNTRUSTED, VALID, verdict_of
from signing import demo_signer
from signing.pades import SigningOptions, sign_pdf
from tests.fixtures.signing import SchoolPki

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def signed(two_page_pdf: bytes, test_pki: SchoolPki) -> bytes:
    """A validly signed B-B document of the test PKI."""
    return sign_pdf(two_page_pdf, test_pki.signer("director"), SigningOptions(stamp=True))


def _verdict(data: bytes, pki: SchoolPki) -> object:
    return verdict_of(verify_pdf(data, "sch-verdict", [pki.root]), data)


def _text(verdict: object) -> str:
    parts = [verdict.headline, *verdict.facts]  # type: ignore[attr-defined]
    for sig in verdict.signatures:  # type: ignore[attr-defined]
        parts += [sig.title, sig.outcome, *sig.problems]
        parts += [f"{name}: {value}" for name, value in sig.rows]
    return "\n".join(parts)


def test_valid_signature_and_local_signing_time(signed: bytes, test_pki: SchoolPki) -> None:
    """A good signature is «Подписи действительны»; its time is the school's (Moscow) time."""
    from django.utils import timezone

    result = verify_pdf(signed, "sch-verdict", [test_pki.root])
    verdict = verdict_of(result, signed)
    assert verdict.code == VALID and verdict.headline == "Подписи действительны"
    utc = dt.datetime.fromisoformat(result.report["signatures"][0]["signing_time"])
    local = timezone.localtime(utc).strftime("%d.%m.%Y %H:%M:%S")
    rows = dict(verdict.signatures[0].rows)
    assert rows["Время подписания (со слов подписанта)"] == local
    assert "UTC" not in _text(verdict)


def test_changed_document_is_not_also_called_untrusted(signed: bytes, test_pki: SchoolPki) -> None:
    """GIVEN one flipped byte in the signed range THEN «документ изменён», and no trust claim."""
    reader = PdfFileReader(io.BytesIO(signed))
    start, length = [int(x) for x in reader.embedded_signatures[0].sig_object["/ByteRange"]][:2]
    position = signed.index(b"/MediaBox", start, start + length)
    tampered = bytearray(signed)
    tampered[position + 3] ^= 0x01
    verdict = _verdict(bytes(tampered), test_pki)
    assert verdict.code == MODIFIED
    assert verdict.headline == "Документ изменён после подписи"
    text = _text(verdict)
    assert "НЕ ДОВЕРЕННАЯ" not in text and "не доверенный" not in text.lower()
    assert "контрольная сумма подписанных данных не совпадает" in text


def test_corrupted_signature_bytes_are_a_damaged_signature(
    signed: bytes, test_pki: SchoolPki
) -> None:
    """GIVEN bytes flipped inside the signature value THEN «Подпись повреждена», not «не PDF»."""
    reader = PdfFileReader(io.BytesIO(signed))
    byte_range = [int(x) for x in reader.embedded_signatures[0].sig_object["/ByteRange"]]
    contents_start = byte_range[0] + byte_range[1] + 1  # after the «<» of /Contents
    broken = bytearray(signed)
    for offset in range(40, 200):
        broken[contents_start + offset] = ord("0")
    verdict = _verdict(bytes(broken), test_pki)
    assert verdict.code == DAMAGED, _text(verdict)
    assert verdict.headline == "Подпись повреждена"
    assert "не PDF" not in _text(verdict)


def test_untrusted_certificate_names_the_reason(
    two_page_pdf: bytes, test_pki: SchoolPki, tmp_path: Path
) -> None:
    """A signature of another PKI: intact, but «Сертификат не доверенный» with the cause."""
    other = sign_pdf(two_page_pdf, demo_signer(tmp_path), SigningOptions())
    verdict = _verdict(other, test_pki)
    assert verdict.code == UNTRUSTED and verdict.headline == "Сертификат не доверенный"
    text = _text(verdict)
    assert "документ после подписания не менялся" in text
    assert "не связан с доверенным корневым сертификатом" in text


def test_not_a_pdf_and_unsigned_pdf(two_page_pdf: bytes, test_pki: SchoolPki) -> None:
    """Garbage is «Файл не PDF»; a PDF without signatures says so."""
    garbage = _verdict(b"PK\x03\x04 this is a zip, not a pdf", test_pki)
    assert garbage.code == NOT_PDF and garbage.headline == "Файл не PDF"
    assert any("%PDF-" in fact for fact in garbage.facts)
    assert _verdict(two_page_pdf, test_pki).code == UNSIGNED


def test_unparsable_signature_container_is_a_damaged_signature(
    signed: bytes, test_pki: SchoolPki
) -> None:
    """GIVEN the signature container's header zeroed (pyHanko cannot read it) THEN «повреждена»."""
    reader = PdfFileReader(io.BytesIO(signed))
    byte_range = [int(x) for x in reader.embedded_signatures[0].sig_object["/ByteRange"]]
    contents_start = byte_range[0] + byte_range[1] + 1
    broken = bytearray(signed)
    for offset in range(0, 64):
        broken[contents_start + offset] = ord("0")
    result = verify_pdf(bytes(broken), "sch-verdict", [test_pki.root])
    verdict = verdict_of(result, bytes(broken))
    assert verdict.code == DAMAGED, _text(verdict)
    assert "не PDF" not in _text(verdict)
