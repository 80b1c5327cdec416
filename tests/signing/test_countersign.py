"""Class teacher approves, then the director signs and locks; both validate in order."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from signing.levels import Level
from signing.pades import SigningOptions, sign_pdf
from signing.validate import validate
from tests.fixtures.signing import SchoolPki
from tests.signing.helpers import openssl_verify, pdfsig


@pytest.fixture(scope="module")
def countersigned(pdf_with_fields: bytes, test_pki: SchoolPki) -> bytes:
    """Teacher's approval (B-T), then the director's locking signature (B-LTA)."""
    teacher = sign_pdf(
        pdf_with_fields,
        test_pki.signer("teacher"),
        SigningOptions(
            level=Level.B_T, field_name="class_teacher", stamp=True, tsa_url=test_pki.tsa_url
        ),
    )
    return sign_pdf(
        teacher,
        test_pki.signer("director"),
        SigningOptions(
            level=Level.B_LTA,
            field_name="director",
            stamp=True,
            lock=True,
            tsa_url=test_pki.tsa_url,
            trust_roots=(test_pki.root,),
        ),
    )


def test_both_signatures_validate_in_order_with_roles(
    countersigned: bytes, test_pki: SchoolPki, roots_pem: Path, tmp_path: Path
) -> None:
    """THEN the report lists the teacher first, the director second, the archival stamp last."""
    report = validate(countersigned, [test_pki.root])
    assert report.valid, report.to_text()
    teacher, director, archive = report.signatures
    assert (teacher.order, teacher.field_name, teacher.role) == (
        1,
        "class_teacher",
        "классный руководитель",
    )
    assert teacher.signer_name == "Петрова Ольга Викторовна"
    assert teacher.modification_level == "заполнение полей и новые подписи"
    assert (director.order, director.field_name, director.role) == (2, "director", "директор")
    assert director.signer_name == "Сидоров Иван Петрович"
    assert director.lock == "изменения запрещены (кроме архивных штампов времени)"
    assert director.pades_level == "B-LTA"
    assert archive.kind == "document-timestamp"
    text = report.to_text()
    assert text.index("Петрова Ольга Викторовна") < text.index("Сидоров Иван Петрович")
    assert "роль: классный руководитель" in text and "роль: директор" in text

    path = tmp_path / "countersigned.pdf"
    path.write_bytes(countersigned)
    assert pdfsig(path).count("Signature is Valid") == 2
    for index in (0, 1):
        result = openssl_verify(countersigned, tmp_path, roots_pem, index)
        assert result.returncode == 0, result.stderr


def test_director_alone_makes_a_certification_signature(
    two_page_pdf: bytes, test_pki: SchoolPki
) -> None:
    """GIVEN no earlier signature WHEN the director locks THEN it is a certification (DocMDP)."""
    signed = sign_pdf(two_page_pdf, test_pki.signer("director"), SigningOptions(lock=True))
    (only,) = validate(signed, [test_pki.root]).signatures
    assert only.certification is True
    assert only.lock == "изменения запрещены (кроме архивных штампов времени)"


def test_signature_after_director_lock_is_flagged(
    countersigned: bytes, test_pki: SchoolPki
) -> None:
    """GIVEN the director locked the document WHEN someone signs again THEN validation flags it."""
    extra = sign_pdf(
        countersigned, test_pki.signer("teacher"), SigningOptions(field_name="late_signature")
    )
    report = validate(extra, [test_pki.root])
    director = next(s for s in report.signatures if s.field_name == "director")
    assert director.ok is False
    assert director.modifications_allowed is False
    assert not report.valid


def test_pictures_of_both_stamps(countersigned: bytes, tmp_path: Path) -> None:
    """Both stamps render on the last page (pdftoppm succeeds)."""
    path = tmp_path / "c.pdf"
    path.write_bytes(countersigned)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-f", "2", "-l", "2", "-png", str(path), str(tmp_path / "c")],
        check=True,
    )
    assert list(tmp_path.glob("c*.png"))


def test_director_b_lt_after_a_signer_from_another_pki(
    pdf_with_fields: bytes, test_pki: SchoolPki, tmp_path: Path
) -> None:
    """GIVEN an earlier signature from an unknown PKI WHEN the director signs B-LT THEN it succeeds.

    The director's signature validates; the earlier one is reported as not trusted.
    """
    from signing import demo_signer

    first = sign_pdf(
        pdf_with_fields, demo_signer(tmp_path), SigningOptions(field_name="class_teacher")
    )
    both = sign_pdf(
        first,
        test_pki.signer("director"),
        SigningOptions(level=Level.B_LT, tsa_url=test_pki.tsa_url, trust_roots=(test_pki.root,)),
    )
    teacher, director = validate(both, [test_pki.root]).signatures
    assert director.ok and director.pades_level == "B-LT"
    assert teacher.trusted is False


def test_b_lt_with_an_untrusted_signer_is_refused_in_russian(
    two_page_pdf: bytes, test_pki: SchoolPki, tmp_path: Path
) -> None:
    """GIVEN a key outside the trust roots WHEN B-LT is requested THEN a Russian SigningError."""
    from signing import SigningError, demo_signer

    with pytest.raises(SigningError, match="Подпись не создана"):
        sign_pdf(
            two_page_pdf,
            demo_signer(tmp_path),
            SigningOptions(
                level=Level.B_LT, tsa_url=test_pki.tsa_url, trust_roots=(test_pki.root,)
            ),
        )
