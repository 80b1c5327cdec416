"""The key's owner must be the person the document names as its signer, or the user says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import main as cli_main
from service.documents.kinds.period_summary import KIND, build_summary
from service.documents.render import render_document
from service.documents.signers import (
    DEMO_KEY_REASON,
    SignerMismatch,
    check_signer,
    named_signer,
)
from service.journal.snapshot import Snapshot
from signing.signer_name import name_key, same_person


@pytest.mark.parametrize(
    ("document", "certificate", "same"),
    [
        ("М. С. Иванова", "Иванова Мария Сергеевна", True),
        ("Иванова М.С.", "ИВАНОВА МАРИЯ СЕРГЕЕВНА", True),
        ("А. Е. Семёнов", "Семенов Алексей Ёрмакович", True),
        ("Р. Г. Алиев", "Алиев Рашид Гусейн оглы", True),
        ("Т. А. Салтыкова-Щедрина", "Салтыкова-Щедрина Татьяна Андреевна", True),
        ("В. З. Исаев", "Иванова Мария Сергеевна", False),
        ("М. А. Иванова", "Иванова Мария Сергеевна", False),
        ("М. С. Иванов", "Иванова Мария Сергеевна", False),
    ],
)
def test_names_compare_by_surname_and_initials(document: str, certificate: str, same: bool) -> None:
    assert same_person(document, certificate) is same


def test_name_key_reads_initials_before_or_after_the_surname() -> None:
    assert name_key("И.О. Фамилия") == name_key("Фамилия И. О.") == name_key("фамилия имя отчество")
    assert name_key("") is None


@pytest.fixture(scope="module")
def summary_pdf(sample_snapshot: Snapshot, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real period summary of the sample school (signers: class teacher, director)."""
    cls = sorted(sample_snapshot.class_by_id)[-1]
    data = build_summary(sample_snapshot, cls, "Q1")
    out = tmp_path_factory.mktemp("summary") / "summary.pdf"
    return render_document(data, KIND.template, out).path


def test_document_names_its_signers(summary_pdf: Path, sample_snapshot: Snapshot) -> None:
    director = sample_snapshot.staff_by_id[sample_snapshot.school.director_id]
    named = named_signer(summary_pdf.read_bytes(), "director")
    assert named is not None and named.name == director.initials_first
    assert named_signer(summary_pdf.read_bytes(), "class_teacher") is not None


def _own_key(directory: Path, name: str) -> tuple[Path, bytes]:
    """A self-signed PKCS#12 issued to ``name`` at another organisation (not the demo key)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "МБОУ СОШ № 1"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), True
        )
        .sign(key, hashes.SHA256())
    )
    password = b"secret"
    path = directory / "own.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"own", key, cert, None, BestAvailableEncryption(password)
        )
    )
    return path, password


OTHER = "Иванова Мария Сергеевна"


def test_other_persons_key_is_refused_naming_both(summary_pdf: Path, tmp_path: Path) -> None:
    """GIVEN a key of Иванова WHEN it signs for the sample's director THEN refused, both named."""
    from signing.signers import load_pkcs12

    path, password = _own_key(tmp_path, OTHER)
    cert = load_pkcs12(path, password).signing_cert
    named = named_signer(summary_pdf.read_bytes(), "director")
    assert named is not None and not same_person(named.name, OTHER)
    with pytest.raises(SignerMismatch) as refused:
        check_signer(summary_pdf.read_bytes(), "director", cert)
    message = str(refused.value)
    assert OTHER in message and f"директор {named.name}" in message
    confirmed = check_signer(
        summary_pdf.read_bytes(), "director", cert, confirm_reason="  приказ № 5 "
    )
    assert (confirmed.matches, confirmed.reason, confirmed.owner) == (False, "приказ № 5", OTHER)


def test_the_demo_key_is_confirmed_as_such(summary_pdf: Path) -> None:
    """The demo key made on first run is no one's: it signs, recorded as the demo key."""
    from signing.demo_pki import generate_demo_pki
    from signing.signers import load_pkcs12

    pki = generate_demo_pki(summary_pdf.parent / "keys")
    signer = load_pkcs12(pki.director_p12, pki.director_password())
    check = check_signer(summary_pdf.read_bytes(), "director", signer.signing_cert)
    assert (check.matches, check.reason) == (False, DEMO_KEY_REASON)


@pytest.mark.django_db
def test_cli_refuses_then_signs_with_a_reason_in_the_audit_log(
    summary_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a mismatching key WHEN `sign` THEN exit 2 in Russian; with --confirm-signer signed."""
    from service.archive.catalog import DjangoCatalog

    path, password = _own_key(tmp_path, OTHER)
    monkeypatch.setenv("VEDOMOST_SIGNER_PASSWORD", password.decode())
    runner = CliRunner()
    out = tmp_path / "signed.pdf"
    args = ["sign", str(summary_pdf), "-o", str(out), "--signer", f"pkcs12:{path}", "--stamp"]
    refused = runner.invoke(cli_main.cli, args)
    assert refused.exit_code == 2, refused.output
    assert OTHER in refused.output and "директор" in refused.output
    assert not out.exists()

    reason = "исполняющая обязанности директора, приказ от 01.12.2026 № 45"
    signed = runner.invoke(cli_main.cli, [*args, "--confirm-signer", reason])
    assert signed.exit_code == 0, signed.output
    assert out.read_bytes().startswith(b"%PDF")
    (event,) = [e for e in DjangoCatalog().iter_events() if e.kind == "signer-confirmed"]
    assert event.detail["reason"] == reason
    assert event.detail["certificate_owner"] == OTHER
    assert event.document_id and event.detail["field"] == "director"


def test_printout_date_line_points_to_the_signature_stamp(sample_snapshot: Snapshot) -> None:
    """The director certifies when signing: the «Дата» line refers to the stamp's date."""
    from service.documents.kinds.journal_printout import KIND as PRINTOUT
    from service.documents.kinds.journal_printout import build_printout, printout_context
    from service.documents.render import render_html

    first = next(a for a in sample_snapshot.assignments if not a.group_id)
    data = build_printout(sample_snapshot, first.class_id, first.subject_id, "Q1")
    html = render_html(data, PRINTOUT.template, printout_context(data))
    assert "Дата: указана в отметке об электронной подписи" in html
