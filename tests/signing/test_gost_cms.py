"""ГОСТ Р 34.10-2012 signatures checked both ways against OpenSSL's gost engine.

Every signature Vedomost makes is verified by ``openssl cms -verify``; every signature OpenSSL
makes is verified by Vedomost; tampering is caught by both. 256- and 512-bit keys.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from asn1crypto import cms, pem
from asn1crypto import x509 as asn1_x509

from signing import SigningOptions, load_pkcs12, sign_pdf, validate
from signing.batch import sign_directory
from signing.gost.demo_pki import GostPki
from signing.gost.detached import sign_detached
from signing.gost.report import verify_detached
from signing.gost.signer import GostSigner
from signing.stamp import serial_hex
from tests.fixtures.signing import SchoolPki, make_pdf
from tests.signing.gost_helpers import (
    openssl_cms_sign,
    openssl_cms_verify,
    root_of,
    split_embedded,
)
from tests.signing.helpers import appearance_lines


def _signer(pki: GostPki, who: str = "director") -> GostSigner:
    signer = load_pkcs12(pki.p12(who), pki.password().encode())
    assert isinstance(signer, GostSigner)
    return signer


def _cert(path: Path) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(pem.unarmor(path.read_bytes())[2])


def test_pkcs12_from_openssl_opens_as_gost_signer(gost_pki: GostPki) -> None:
    """GIVEN a PKCS#12 exported by OpenSSL WHEN loaded THEN it is a ГОСТ key of that size."""
    signer = _signer(gost_pki)
    assert signer.algorithm.value == gost_pki.bits
    assert signer.signing_cert is not None
    assert signer.signing_cert.dump() == _cert(gost_pki.cert("director")).dump()
    assert [c.dump() for c in signer.chain] == [root_of(gost_pki).dump()]


def test_wrong_password_is_a_russian_error(gost_pki: GostPki) -> None:
    from signing import SignerUnavailable

    with pytest.raises(SignerUnavailable, match="неверный пароль"):
        load_pkcs12(gost_pki.p12("director"), b"not-the-password")


def test_pades_with_stamp_verifies_in_vedomost_and_openssl(
    gost_pki: GostPki, tmp_path: Path
) -> None:
    """GIVEN a ГОСТ key WHEN a PDF is signed with the stamp THEN both implementations accept it."""
    signed = sign_pdf(make_pdf(2), _signer(gost_pki), SigningOptions(stamp=True))

    report = validate(signed, [root_of(gost_pki)])
    assert report.valid, report.to_text()
    (sig,) = report.signatures
    assert sig.signer_name == "Быкова Эвелина Борисовна"
    assert f"{gost_pki.bits} бит" in sig.pades_level
    cms_path, data_path = split_embedded(signed, tmp_path)
    result = openssl_cms_verify(gost_pki, cms_path, data_path)
    assert result.returncode == 0, result.stderr
    assert "CAdES Verification successful" in result.stderr
    # The algorithm OIDs are those of RFC 9215 for this key size.
    info = cms.ContentInfo.load(cms_path.read_bytes())
    signer_info = info["content"]["signer_infos"][0]
    digest_oid = {256: "1.2.643.7.1.1.2.2", 512: "1.2.643.7.1.1.2.3"}[gost_pki.bits]
    key_oid = {256: "1.2.643.7.1.1.1.1", 512: "1.2.643.7.1.1.1.2"}[gost_pki.bits]
    assert signer_info["digest_algorithm"]["algorithm"].dotted == digest_oid
    assert signer_info["signature_algorithm"]["algorithm"].dotted == key_oid
    types = {a["type"].native for a in signer_info["signed_attrs"]}
    assert {"content_type", "message_digest", "signing_time", "signing_certificate_v2"} <= types
    # The visible ГОСТ Р 7.0.97 stamp names the ГОСТ certificate, its owner and validity.
    cert = _cert(gost_pki.cert("director"))
    validity = cert["tbs_certificate"]["validity"]
    lines = appearance_lines(signed, "director")
    assert lines.pop().startswith("Подписан: ")
    assert lines == [
        "ДОКУМЕНТ ПОДПИСАН",
        "ЭЛЕКТРОННОЙ ПОДПИСЬЮ",
        f"Сертификат: {serial_hex(cert.serial_number)}",
        "Владелец: Быкова Эвелина Борисовна",
        f"Действителен: с {validity['not_before'].native:%d.%m.%Y} "
        f"по {validity['not_after'].native:%d.%m.%Y}",
    ]


def test_pades_content_tamper_detected_by_both(gost_pki: GostPki, tmp_path: Path) -> None:
    signed = bytearray(sign_pdf(make_pdf(1), _signer(gost_pki), SigningOptions()))
    signed[200] ^= 0x01
    report = validate(bytes(signed), [root_of(gost_pki)])
    assert not report.valid
    assert not report.signatures[0].intact
    cms_path, data_path = split_embedded(bytes(signed), tmp_path)
    assert openssl_cms_verify(gost_pki, cms_path, data_path).returncode != 0


def test_pades_untrusted_root_is_reported(gost_pki: GostPki, tmp_path: Path) -> None:
    """GIVEN a valid ГОСТ signature WHEN checked against another root THEN not trusted."""
    from signing.gost.demo_pki import generate_gost_pki

    other = generate_gost_pki(tmp_path / "other", gost_pki.bits)
    signed = sign_pdf(make_pdf(1), _signer(gost_pki), SigningOptions())
    report = validate(signed, [root_of(other)])
    assert not report.valid
    (sig,) = report.signatures
    assert sig.intact and sig.cryptographically_valid and not sig.trusted
    assert "Сертификат не связан с доверенным корневым сертификатом" in sig.problems


def test_detached_made_by_vedomost_verifies_in_openssl(gost_pki: GostPki, tmp_path: Path) -> None:
    content = tmp_path / "statement.pdf"
    content.write_bytes(make_pdf(2))
    sig = tmp_path / "statement.pdf.sig"
    sig.write_bytes(sign_detached(_signer(gost_pki), content.read_bytes()))
    result = openssl_cms_verify(gost_pki, sig, content)
    assert result.returncode == 0, result.stderr
    report = verify_detached(content.read_bytes(), sig.read_bytes(), [root_of(gost_pki)])
    assert report.valid, report.to_text()


def test_detached_made_by_openssl_verifies_in_vedomost(gost_pki: GostPki, tmp_path: Path) -> None:
    """GIVEN `openssl cms -sign` output, DER and Base64 WHEN verified THEN Vedomost accepts."""
    import base64

    content = tmp_path / "statement.pdf"
    content.write_bytes(make_pdf(1))
    sig = tmp_path / "statement.pdf.sig"
    openssl_cms_sign(gost_pki, content, sig)
    roots = [root_of(gost_pki)]
    report = verify_detached(content.read_bytes(), sig.read_bytes(), roots)
    assert report.valid, report.to_text()
    b64 = base64.encodebytes(sig.read_bytes())
    assert verify_detached(content.read_bytes(), b64, roots).valid


def _flip_signing_time(der: bytes) -> bytes:
    """Change one digit of the signing time inside the signed attributes."""
    info = cms.ContentInfo.load(der)
    attrs = info["content"]["signer_infos"][0]["signed_attrs"]
    raw_attrs = attrs.dump()
    time_value = next(a for a in attrs if a["type"].native == "signing_time")["values"][0]
    encoded = time_value.chosen.dump()
    at = der.index(raw_attrs) + raw_attrs.index(encoded) + 2 + 11  # tens of seconds
    tampered = bytearray(der)
    tampered[at] = ord("0") if tampered[at] != ord("0") else ord("1")
    return bytes(tampered)


def _swap_certificate(der: bytes, pki: GostPki) -> bytes:
    """Put the teacher's certificate in place of the director's, naming it as the signer."""
    teacher = _cert(pki.cert("teacher"))
    info = cms.ContentInfo.load(der)
    signed_data = info["content"]
    signed_data["certificates"] = [teacher, root_of(pki)]
    signer_info = signed_data["signer_infos"][0]
    signer_info["sid"] = cms.SignerIdentifier(
        {
            "issuer_and_serial_number": {
                "issuer": teacher.issuer,
                "serial_number": teacher.serial_number,
            }
        }
    )
    return info.dump(force=True)


@pytest.mark.parametrize("made_by", ["vedomost", "openssl"])
@pytest.mark.parametrize("tamper", ["content", "signed-attributes", "swapped-certificate"])
def test_detached_tampering_detected_by_both(
    gost_pki: GostPki, tmp_path: Path, made_by: str, tamper: str
) -> None:
    content = tmp_path / "doc.pdf"
    content.write_bytes(make_pdf(1))
    sig = tmp_path / "doc.pdf.sig"
    if made_by == "vedomost":
        sig.write_bytes(sign_detached(_signer(gost_pki), content.read_bytes()))
    else:
        openssl_cms_sign(gost_pki, content, sig)
    roots = [root_of(gost_pki)]
    # Control: the untouched pair is accepted by both, also after asn1crypto re-encodes it.
    assert verify_detached(content.read_bytes(), sig.read_bytes(), roots).valid
    reencoded = tmp_path / "reencoded.sig"
    reencoded.write_bytes(cms.ContentInfo.load(sig.read_bytes()).dump(force=True))
    assert openssl_cms_verify(gost_pki, reencoded, content).returncode == 0

    if tamper == "content":
        data = bytearray(content.read_bytes())
        data[len(data) // 2] ^= 0x01
        content.write_bytes(bytes(data))
        expected = "Содержимое документа изменено после подписания (хэш не совпадает)"
    elif tamper == "signed-attributes":
        sig.write_bytes(_flip_signing_time(sig.read_bytes()))
        expected = "Значение подписи не соответствует сертификату"
    else:
        sig.write_bytes(_swap_certificate(sig.read_bytes(), gost_pki))
        expected = "Значение подписи не соответствует сертификату"

    report = verify_detached(content.read_bytes(), sig.read_bytes(), roots)
    assert not report.valid
    assert expected in report.signatures[0].problems
    assert openssl_cms_verify(gost_pki, sig, content).returncode != 0


def test_batch_signs_with_a_gost_pkcs12(gost_pki: GostPki, tmp_path: Path) -> None:
    """GIVEN a directory of PDFs WHEN signed as a batch with a ГОСТ key THEN every one verifies."""
    source, target = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    for n in range(3):
        (source / f"doc-{n}.pdf").write_bytes(make_pdf(1) + f"\n%{n}\n".encode())
    signer = _signer(gost_pki)
    summary = sign_directory(source, target, signer, SigningOptions(stamp=True))
    assert summary.signed == 3 and not summary.failed
    for path in sorted(target.iterdir()):
        assert validate(path.read_bytes(), [root_of(gost_pki)]).valid
    assert signer.raw_signatures == 3


def test_gost_teacher_then_rsa_director_both_verify(gost_pki: GostPki, tmp_path: Path) -> None:
    """GIVEN a class teacher's ГОСТ signature WHEN the director countersigns with RSA
    THEN one report shows both valid, the ГОСТ one allowing only the later signature."""
    from signing import load_trust_roots
    from signing.demo_pki import ensure_demo_pki

    demo = ensure_demo_pki(tmp_path / "rsa")
    rsa = load_pkcs12(demo.director_p12, demo.director_password())
    pdf = make_pdf(1, fields=("class_teacher", "director"))
    pdf = sign_pdf(pdf, _signer(gost_pki, "teacher"), SigningOptions(field_name="class_teacher"))
    pdf = sign_pdf(pdf, rsa, SigningOptions(stamp=True, lock=True))

    report = validate(pdf, load_trust_roots([gost_pki.root_cert, demo.root_cert]))
    assert report.valid, report.to_text()
    teacher, director = report.signatures
    assert teacher.signer_name == "Соколов Иван Петрович"
    assert teacher.modification_level == "заполнение полей и новые подписи"
    assert "ГОСТ" in teacher.pades_level and director.pades_level == "B-B"


def test_pades_b_t_and_cades_t_with_a_time_stamp(
    gost_pki: GostPki, test_pki: SchoolPki, tmp_path: Path
) -> None:
    """GIVEN a time-stamp authority WHEN a ГОСТ signature is made at B-T (PDF) and CAdES-T (.sig)
    THEN the token over the signature value is verified, and OpenSSL still accepts the CMS."""
    from signing import Level
    from signing.levels import timestamper_for

    roots = [root_of(gost_pki), test_pki.root]
    signer = _signer(gost_pki)
    options = SigningOptions(level=Level.B_T, tsa_url=test_pki.tsa_url, stamp=True)
    signed = sign_pdf(make_pdf(1), signer, options)
    report = validate(signed, roots)
    assert report.valid, report.to_text()
    (sig,) = report.signatures
    assert sig.pades_level.startswith("B-T") and sig.timestamp_time is not None
    cms_path, data_path = split_embedded(signed, tmp_path)
    assert openssl_cms_verify(gost_pki, cms_path, data_path).returncode == 0
    # Without the time-stamp authority's root the token is not trusted: reported, not hidden.
    untrusted = validate(signed, [root_of(gost_pki)])
    assert "Штамп времени подписи не подтверждён" in untrusted.signatures[0].problems

    content = make_pdf(1)
    detached = sign_detached(signer, content, timestamper_for(test_pki.tsa_url, Level.B_T))
    detached_report = verify_detached(content, detached, roots)
    assert detached_report.valid, detached_report.to_text()
    assert detached_report.signatures[0].pades_level.startswith("CAdES-T")


def test_raw_signature_deferred_route_refuses_a_gost_certificate(gost_pki: GostPki) -> None:
    """The raw-signature route is RSA PKCS#1; a ГОСТ certificate is sent to sign-prepare."""
    from signing import SigningError
    from signing.deferred import prepare_deferred

    with pytest.raises(SigningError, match="sign-prepare"):
        prepare_deferred(make_pdf(1), _cert(gost_pki.cert("director")), [], SigningOptions())


@pytest.mark.parametrize("garbage", [b"", b"not a signature", b"\x30\x03\x02\x01\x01"])
def test_unreadable_detached_signature_is_a_russian_error(
    gost_pki: GostPki, garbage: bytes
) -> None:
    from signing import SigningError

    with pytest.raises(SigningError, match="Файл подписи не читается"):
        verify_detached(make_pdf(1), garbage, [root_of(gost_pki)])
