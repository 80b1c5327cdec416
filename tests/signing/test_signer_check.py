"""The key's owner must be the person the document names as its signer, or the user says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import main as cli_main
from service.documents.kinds.period_summary import KIND, build_summary
from service.documents.render import render_document
from service.documents.signers import SignerMismatch, check_signer, named_signer
from service.journal.snapshot import Snapshot
from signing.demo_pki import DIRECTOR_NAME
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


def test_other_persons_key_is_refused_naming_both(summary_pdf: Path) -> None:
    """GIVEN the demo key (Иванова) WHEN it signs for the sample's director THEN refused."""
    from signing.demo_pki import generate_demo_pki
    from signing.signers import load_pkcs12

    pki = generate_demo_pki(summary_pdf.parent / "keys")
    signer = load_pkcs12(pki.director_p12, pki.director_password())
    named = named_signer(summary_pdf.read_bytes(), "director")
    assert named is not None
    with pytest.raises(SignerMismatch) as refused:
        check_signer(summary_pdf.read_bytes(), "director", signer.signing_cert)
    message = str(refused.value)
    assert DIRECTOR_NAME in message and f"директор {named.name}" in message
    confirmed = check_signer(
        summary_pdf.read_bytes(), "director", signer.signing_cert, confirm_reason="  приказ № 5 "
    )
    assert (confirmed.matches, confirmed.reason, confirmed.owner) == (
        False,
        "приказ № 5",
        DIRECTOR_NAME,
    )


@pytest.mark.django_db
def test_cli_refuses_then_signs_with_a_reason_in_the_audit_log(
    summary_pdf: Path, tmp_path: Path
) -> None:
    """GIVEN a mismatching key WHEN `sign` THEN exit 2 in Russian; with --confirm-signer signed."""
    from service.archive.catalog import DjangoCatalog

    runner = CliRunner()
    out = tmp_path / "signed.pdf"
    args = ["sign", str(summary_pdf), "-o", str(out), "--signer", "demo", "--stamp"]
    refused = runner.invoke(cli_main.cli, args)
    assert refused.exit_code == 2, refused.output
    assert "Иванова Мария Сергеевна" in refused.output and "директор" in refused.output
    assert not out.exists()

    reason = "исполняющая обязанности директора, приказ от 01.12.2026 № 45"
    signed = runner.invoke(cli_main.cli, [*args, "--confirm-signer", reason])
    assert signed.exit_code == 0, signed.output
    assert out.read_bytes().startswith(b"%PDF")
    (event,) = [e for e in DjangoCatalog().iter_events() if e.kind == "signer-confirmed"]
    assert event.detail["reason"] == reason
    assert event.detail["certificate_owner"] == DIRECTOR_NAME
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
