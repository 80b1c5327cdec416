"""The class teacher signs period summaries in the close, before the director, with her own key.

Keys are issued by the test PKI's intermediate CA (tests/fixtures/signing.py) in the names the
sample school's journal gives its director and class teacher; documents are real closes' PDFs.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from service.accounts.snapshots import current_snapshot, forget
from service.jobs.close_engine import open_close, retry_close, run_close
from service.jobs.close_plan import resolve_target
from service.jobs.models import ItemState, JobItem, PeriodClose, SigningKey
from tests.fixtures.web import _database_url, import_sample_school

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
CLASS = "5А"
PASSWORD = "пароль-учителя"


def issue_p12(pki: Any, full_name: str, path: Path, password: str = PASSWORD) -> Path:
    """A PKCS#12 for ``full_name`` issued by the test PKI's intermediate CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    from signing.demo_pki import _new_key, issue_certificate

    interm = x509.load_der_x509_certificate(pki.interm.dump())
    root = x509.load_der_x509_certificate(pki.root.dump())
    key = _new_key()
    now = dt.datetime.now(dt.UTC)
    cert = issue_certificate(
        x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "МБОУ СОШ № 1"),
                x509.NameAttribute(NameOID.COMMON_NAME, full_name),
            ]
        ),
        key,
        interm.subject,
        pki.private_key("interm"),
        ca=False,
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=365),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"key",
            key,
            cert,
            [interm, root],
            serialization.BestAvailableEncryption(password.encode()),
        )
    )
    return path


def _school(tmp_path: Path) -> Any:
    forget()
    result = import_sample_school(tmp_path)
    return current_snapshot(result.school_id)


def _people(snapshot: Any) -> tuple[Any, Any]:
    teacher = snapshot.staff_by_id[snapshot.class_by_id[CLASS].teacher_id]
    return snapshot.director, teacher


def _director(pki: Any, snapshot: Any, tmp_path: Path) -> Any:
    from signing.signers import load_pkcs12

    path = issue_p12(pki, snapshot.director.full_name, tmp_path / "director" / "director.p12")
    return load_pkcs12(path, PASSWORD.encode())


def _teacher_keys(pki: Any, snapshot: Any, tmp_path: Path, name: str | None = None) -> Any:
    from service.jobs.teacher_sign import TeacherKeys
    from signing.signers import load_pkcs12

    _, teacher = _people(snapshot)
    path = issue_p12(pki, name or teacher.full_name, tmp_path / "teachers" / "t.p12")
    return TeacherKeys(by_class={CLASS: load_pkcs12(path, PASSWORD.encode())})


def _summary(close: PeriodClose) -> str:
    """The document id of the close's period summary."""
    item = JobItem.objects.get(job=close.render_job, params__kind="period-summary")
    return str(item.result["document_id"])


def _signed(close: PeriodClose, document_id: str) -> bytes:
    """The signed PDF: from the work store, or from the archive once the close is archived."""
    from service.archive.wiring import get_archive
    from service.jobs import work_files

    pdf = work_files.read(close.id, work_files.SIGNED, document_id)
    if pdf is not None:
        return pdf
    with get_archive().read(document_id) as data:
        return data.read()


def _assert_teacher_then_director(pki: Any, pdf: bytes, teacher: Any, director: Any) -> None:
    from signing import validate
    from signing.signer_name import same_person

    report = validate(pdf, [pki.root])
    first, second = report.signatures
    assert (first.field_name, second.field_name) == ("class_teacher", "director")
    assert same_person(first.signer_name or "", teacher.full_name), first.signer_name
    assert same_person(second.signer_name or "", director.full_name), second.signer_name
    assert first.intact and first.cryptographically_valid and first.trusted
    assert second.intact and second.cryptographically_valid and second.trusted
    assert second.coverage == "весь файл" and first.coverage != "весь файл"
    text = report.to_text()
    assert teacher.last_name in text and director.last_name in text


def test_teachers_key_signs_the_summary_first_and_the_director_last(
    test_pki: Any, tmp_path: Path
) -> None:
    """GIVEN the class teacher's own key WHEN Q1 of 5А closes THEN its summary is archived with
    two valid signatures: the class teacher's field by her, the director's by the director."""
    snapshot = _school(tmp_path)
    director, teacher = _people(snapshot)
    close, _ = open_close(None, snapshot, resolve_target(snapshot, "Q1"), {CLASS})
    run_close(
        close,
        _director(test_pki, snapshot, tmp_path),
        teacher_keys=_teacher_keys(test_pki, snapshot, tmp_path),
    )
    close.refresh_from_db()
    assert close.state == PeriodClose.State.ARCHIVED, close.error
    summary = _summary(close)
    _assert_teacher_then_director(test_pki, _signed(close, summary), teacher, director)
    printout = JobItem.objects.filter(job=close.render_job, params__kind="journal-printout").first()
    assert printout is not None
    from signing import validate

    (only,) = validate(_signed(close, printout.result["document_id"]), [test_pki.root]).signatures
    assert only.field_name == "director"


def test_a_missing_teachers_key_waits_and_the_teacher_signs_later(
    test_pki: Any, tmp_path: Path
) -> None:
    """GIVEN no key of the class teacher WHEN the close signs THEN the summary waits, named in
    the genitive; WHEN the teacher signs it with her key and the close continues THEN archived
    with both signatures."""
    from service.jobs.teacher_sign import documents_for_teacher, sign_for_teacher, waiting_items
    from service.russian.names import short_name
    from signing.signers import load_pkcs12

    snapshot = _school(tmp_path)
    director, teacher = _people(snapshot)
    signer = _director(test_pki, snapshot, tmp_path)
    close, _ = open_close(None, snapshot, resolve_target(snapshot, "Q1"), {CLASS})
    run_close(close, signer)
    close.refresh_from_db()
    assert close.state == PeriodClose.State.FAILED
    genitive = short_name(teacher, "gen")
    assert genitive != teacher.short_name
    assert f"подписи классного руководителя {genitive}" in close.error
    (waiting,) = waiting_items(close)
    assert waiting.key == _summary(close)
    assert f"Ожидает подписи классного руководителя {genitive}" in waiting.error
    signed_by_director = JobItem.objects.filter(job=close.sign_job, state=ItemState.DONE).count()
    assert signed_by_director == close.render_job.total - 1  # everything else is signed

    pending = documents_for_teacher(snapshot.school.id, [CLASS])
    assert [i.key for _, i in pending] == [waiting.key]
    key = issue_p12(test_pki, teacher.full_name, tmp_path / "own" / "teacher.p12")
    assert sign_for_teacher(pending, load_pkcs12(key, PASSWORD.encode()), actor="teacher") == 1
    assert waiting_items(close) == []

    close = retry_close(close, start=False)
    assert close.state == PeriodClose.State.RENDERED
    run_close(close, signer)
    close.refresh_from_db()
    assert close.state == PeriodClose.State.ARCHIVED, close.error
    _assert_teacher_then_director(test_pki, _signed(close, waiting.key), teacher, director)


def test_the_director_signs_a_waiting_summary_alone_with_a_recorded_reason(
    test_pki: Any, tmp_path: Path
) -> None:
    """GIVEN a summary waiting for its teacher WHEN the director chooses to sign it alone with a
    reason THEN it is archived with the director's signature only and the reason is audited."""
    from service.archive.models import AuditEvent as Event
    from service.jobs.teacher_sign import AUDIT_SKIPPED, TeacherKeyProblem, sign_without_teacher
    from signing import validate

    snapshot = _school(tmp_path)
    signer = _director(test_pki, snapshot, tmp_path)
    close, _ = open_close(None, snapshot, resolve_target(snapshot, "Q1"), {CLASS})
    run_close(close, signer)
    close.refresh_from_db()
    with pytest.raises(TeacherKeyProblem):
        sign_without_teacher(close, "  ", actor="director")
    assert sign_without_teacher(close, "учитель на больничном", actor="director") == 1
    run_close(close, signer)
    close.refresh_from_db()
    assert close.state == PeriodClose.State.ARCHIVED, close.error
    summary = _summary(close)
    (only,) = validate(_signed(close, summary), [test_pki.root]).signatures
    assert only.field_name == "director" and only.ok
    event = Event.objects.get(kind=AUDIT_SKIPPED)
    assert event.document_id == summary and event.actor == "director"
    assert event.detail["reason"] == "учитель на больничном"


def test_another_persons_key_for_the_class_teacher_is_refused(
    test_pki: Any, tmp_path: Path
) -> None:
    """GIVEN a key issued to someone else given as 5А's teacher key WHEN the close signs THEN
    it is refused before anything is signed, naming both; signing from «Мой класс» too."""
    from service.documents.signers import SignerMismatch
    from service.jobs.teacher_sign import documents_for_teacher, sign_for_teacher
    from signing.signers import load_pkcs12

    snapshot = _school(tmp_path)
    _, teacher = _people(snapshot)
    signer = _director(test_pki, snapshot, tmp_path)
    close, _ = open_close(None, snapshot, resolve_target(snapshot, "Q1"), {CLASS})
    stranger = "Сидорова Ольга Петровна"
    with pytest.raises(SignerMismatch) as refused:
        run_close(close, signer, teacher_keys=_teacher_keys(test_pki, snapshot, tmp_path, stranger))
    assert stranger in str(refused.value) and teacher.initials_first in str(refused.value)
    assert not JobItem.objects.filter(job__kind="period-sign", state=ItemState.DONE).exists()

    run_close(PeriodClose.objects.get(pk=close.pk), signer)  # no teacher key: it waits
    pending = documents_for_teacher(snapshot.school.id, [CLASS])
    wrong = load_pkcs12(
        issue_p12(test_pki, stranger, tmp_path / "stranger" / "s.p12"), PASSWORD.encode()
    )
    with pytest.raises(SignerMismatch):
        sign_for_teacher(pending, wrong, actor="someone")
    assert documents_for_teacher(snapshot.school.id, [CLASS]) == pending


def _cli(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        VEDOMOST_DATABASE_URL=_database_url(),
        PYTHONPATH=str(Path.cwd()),
        PYTHONWARNINGS="ignore",
        **env_extra,
    )
    env.pop("VEDOMOST_BROKER_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "service", "close", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_cli_close_with_a_folder_of_teacher_keys_registers_them(
    test_pki: Any, tmp_path: Path
) -> None:
    """GIVEN a folder with the class teacher's key and its password file WHEN `vedomost close Q1
    --sign pkcs12:… --teacher-keys DIR` THEN closed, the summary signed twice, the key
    registered (who, certificate, where; no secret)."""
    snapshot = _school(tmp_path)
    director, teacher = _people(snapshot)
    director_p12 = issue_p12(test_pki, director.full_name, tmp_path / "d" / "director.p12")
    folder = tmp_path / "teacher-keys"
    key = issue_p12(test_pki, teacher.full_name, folder / "petrova.p12")
    key.with_suffix(".password").write_text(PASSWORD + "\n", encoding="utf-8")
    issue_p12(test_pki, "Без Пароля Ключевич", folder / "nopass.p12")
    done = _cli(
        {"VEDOMOST_SIGNER_PASSWORD": PASSWORD},
        "Q1",
        "--classes",
        CLASS,
        "--workers",
        "1",
        "--sign",
        f"pkcs12:{director_p12}",
        "--teacher-keys",
        str(folder),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Ключ nopass.p12 не открыт: нет пароля (nopass.password)." in done.stderr
    close = PeriodClose.objects.get()
    _assert_teacher_then_director(test_pki, _signed(close, _summary(close)), teacher, director)
    row = SigningKey.objects.get()
    assert (row.staff_id, row.person, row.location) == (
        teacher.id,
        teacher.full_name,
        f"pkcs12:{key}",
    )
    assert "BEGIN CERTIFICATE" in row.certificate and PASSWORD not in str(row.__dict__)


def test_cli_close_without_the_teachers_key_waits_then_goes_on_without_her(
    test_pki: Any, tmp_path: Path
) -> None:
    """GIVEN no teacher key WHEN `vedomost close Q1` THEN exit 1 naming the teacher; WHEN run
    again with --without-teacher REASON THEN closed, the summary signed by the director only."""
    from service.russian.names import short_name

    snapshot = _school(tmp_path)
    director, teacher = _people(snapshot)
    director_p12 = issue_p12(test_pki, director.full_name, tmp_path / "d" / "director.p12")
    args = ("Q1", "--classes", CLASS, "--workers", "1", "--sign", f"pkcs12:{director_p12}")
    env = {"VEDOMOST_SIGNER_PASSWORD": PASSWORD}
    waiting = _cli(env, *args)
    assert waiting.returncode == 1, waiting.stdout + waiting.stderr
    assert f"подписи классного руководителя {short_name(teacher, 'gen')}" in waiting.stdout
    done = _cli(env, *args, "--without-teacher", "классный руководитель в отпуске")
    assert done.returncode == 0, done.stdout + done.stderr
    from signing import validate

    close = PeriodClose.objects.get()
    (only,) = validate(_signed(close, _summary(close)), [test_pki.root]).signatures
    assert only.field_name == "director"


def test_the_demo_keys_are_issued_in_the_journals_names(tmp_path: Path, settings: Any) -> None:
    """GIVEN the demo key WHEN a close signs THEN the director's and the class teacher's demo
    certificates carry their names from the journal: no signer override is recorded."""
    from service.archive.models import AuditEvent as Event
    from service.documents.signers import AUDIT_KIND
    from service.jobs.period_sign import unlock_signer
    from signing.demo_pki import ensure_demo_pki
    from signing.signers import load_certificates

    snapshot = _school(tmp_path)
    director, teacher = _people(snapshot)
    pki = ensure_demo_pki(Path(settings.DATA_DIR) / "keys")
    signer = unlock_signer(pki.director_password().decode(), snapshot)
    close, _ = open_close(None, snapshot, resolve_target(snapshot, "Q1"), {CLASS})
    run_close(close, signer)
    close.refresh_from_db()
    assert close.state == PeriodClose.State.ARCHIVED, close.error
    assert not Event.objects.filter(kind=AUDIT_KIND).exists()
    (root,) = load_certificates([pki.root_cert])
    _assert_teacher_then_director(
        type("Pki", (), {"root": root})(), _signed(close, _summary(close)), teacher, director
    )


def test_keys_register_checks_the_owner_and_keeps_no_secret(test_pki: Any, tmp_path: Path) -> None:
    """GIVEN a teacher's PKCS#12 WHEN `vedomost keys register STAFF pkcs12:…` THEN recorded with
    its certificate; a key of someone else is refused in Russian, naming the owner."""
    from click.testing import CliRunner

    from service.cli import main as cli_main

    snapshot = _school(tmp_path)
    _, teacher = _people(snapshot)
    own = issue_p12(test_pki, teacher.full_name, tmp_path / "k" / "own.p12")
    other = issue_p12(test_pki, "Сидорова Ольга Петровна", tmp_path / "k" / "other.p12")
    runner = CliRunner(env={"VEDOMOST_SIGNER_PASSWORD": PASSWORD})
    refused = runner.invoke(
        cli_main.cli, ["keys", "register", teacher.id, f"pkcs12:{other}"], catch_exceptions=False
    )
    assert refused.exit_code == 2
    assert "выдан на имя «Сидорова Ольга Петровна»" in refused.output
    assert not SigningKey.objects.exists()
    done = runner.invoke(
        cli_main.cli, ["keys", "register", teacher.id, f"pkcs12:{own}"], catch_exceptions=False
    )
    assert done.exit_code == 0, done.output
    row = SigningKey.objects.get()
    assert (row.staff_id, row.location) == (teacher.id, f"pkcs12:{own}")
    assert PASSWORD not in row.certificate + row.location
