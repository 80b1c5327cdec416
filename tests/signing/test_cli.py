"""The ``vedomost`` signing commands: exit codes, secrets from the environment, demo trust."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asn1crypto import pem
from click.testing import CliRunner
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15

from tests.fixtures.signing import SchoolPki, SoftHsmToken, make_pdf


def _vedomost(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )


@pytest.mark.slow
def test_demo_keys_sign_and_verify_end_to_end(tmp_path: Path) -> None:
    """GIVEN `keys demo` WHEN a PDF is signed with its PKCS#12 THEN verify trusts it by default."""
    data = tmp_path / "data"
    data.mkdir()
    # The subprocess gets its own SQLite catalog: the session's PostgreSQL test database (if
    # any) belongs to pytest-django, and these commands do not touch the catalog anyway.
    env = {
        "VEDOMOST_DATA_DIR": str(data),
        "VEDOMOST_DATABASE_URL": f"sqlite:///{data / 'catalog.sqlite3'}",
    }
    created = _vedomost(["keys", "demo", str(data / "keys")], env)
    assert created.returncode == 0, created.stderr
    source = tmp_path / "in.pdf"
    source.write_bytes(make_pdf(2, fields=("class_teacher", "director")))
    password = (data / "keys" / "password.txt").read_text().strip()

    signed = _vedomost(
        [
            "sign",
            str(source),
            "-o",
            str(tmp_path / "out.pdf"),
            "--signer",
            f"pkcs12:{data / 'keys' / 'director.p12'}",
            "--stamp",
        ],
        {**env, "VEDOMOST_SIGNER_PASSWORD": password},
    )
    assert signed.returncode == 0, signed.stderr
    assert password not in signed.stdout + signed.stderr

    ok = _vedomost(["verify", str(tmp_path / "out.pdf"), "--json"], env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    report = json.loads(ok.stdout)
    assert report["valid"] is True
    assert report["signatures"][0]["signer_name"] == "Иванова Мария Сергеевна"


@pytest.fixture
def runner_cli():
    """The click group with the signing commands registered (Django set up by pytest-django)."""
    from service.cli.main import _register, cli

    _register()
    return cli


@pytest.mark.hsm
def test_sign_batch_with_token_pin_from_environment(
    runner_cli,
    softhsm_token: SoftHsmToken,
    test_pki: SchoolPki,
    roots_pem: Path,
    tmp_path: Path,
) -> None:
    """GIVEN 5 PDFs WHEN `sign-batch --signer pkcs11:...` THEN all are signed at B-T."""
    source = tmp_path / "in"
    source.mkdir()
    for n in range(5):
        (source / f"doc-{n}.pdf").write_bytes(make_pdf(2) + f"%{n}\n".encode())
    spec = f"pkcs11:{softhsm_token.module}:{softhsm_token.token_label}:{softhsm_token.key_label}"
    chain_pem = tmp_path / "chain.pem"
    chain_pem.write_bytes(pem.armor("CERTIFICATE", test_pki.interm.dump()))
    result = CliRunner().invoke(
        runner_cli,
        [
            "sign-batch",
            str(source),
            "-o",
            str(tmp_path / "out"),
            "--signer",
            spec,
            "--level",
            "B-T",
            "--tsa",
            test_pki.tsa_url,
            "--stamp",
            "--chain",
            str(chain_pem),
        ],
        env={"VEDOMOST_SIGNER_PIN": softhsm_token.pin},
    )
    assert result.exit_code == 0, result.output
    assert "Подписано документов: 5" in result.output
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 5
    verified = CliRunner().invoke(
        runner_cli, ["verify", str(tmp_path / "out" / "doc-3.pdf"), "--trust", str(roots_pem)]
    )
    assert verified.exit_code == 0, verified.output


def test_deferred_signing_through_the_cli(
    runner_cli,
    test_pki: SchoolPki,
    roots_pem: Path,
    tmp_path: Path,
) -> None:
    """GIVEN only the certificate WHEN sign, external signature, sign-finish THEN it verifies."""
    cert = tmp_path / "director.pem"
    cert.write_bytes(
        pem.armor("CERTIFICATE", test_pki.cert("director").dump())
        + pem.armor("CERTIFICATE", test_pki.interm.dump())
    )
    source = tmp_path / "in.pdf"
    source.write_bytes(make_pdf(2))
    out = tmp_path / "out.pdf"
    runner = CliRunner()
    prepared = runner.invoke(
        runner_cli, ["sign", str(source), "-o", str(out), "--signer", f"deferred:{cert}", "--stamp"]
    )
    assert prepared.exit_code == 0, prepared.output
    tbs = (tmp_path / "out.pdf.tbs").read_bytes()
    # The director's computer signs; here the test PKI key plays that part.
    key = test_pki.private_key("director")
    (tmp_path / "sig.bin").write_bytes(key.sign(tbs, PKCS1v15(), hashes.SHA256()))
    finished = runner.invoke(
        runner_cli,
        [
            "sign-finish",
            str(tmp_path / "out.pdf.deferred.json"),
            "--signature",
            str(tmp_path / "sig.bin"),
            "-o",
            str(out),
        ],
    )
    assert finished.exit_code == 0, finished.output
    verified = runner.invoke(runner_cli, ["verify", str(out), "--trust", str(roots_pem)])
    assert verified.exit_code == 0, verified.output
    assert "Сидоров Иван Петрович" in verified.output


def test_verify_exit_codes_and_messages(
    runner_cli,
    test_pki: SchoolPki,
    director_p12: Path,
    tmp_path: Path,
) -> None:
    """Exit 1 for an untrusted signature, 2 for garbage or a wrong password; Russian, no traces."""
    from signing.demo_pki import generate_demo_pki
    from tests.signing.conftest import P12_PASSWORD

    runner = CliRunner()
    source = tmp_path / "in.pdf"
    source.write_bytes(make_pdf(2))
    out = tmp_path / "out.pdf"
    signed = runner.invoke(
        runner_cli,
        ["sign", str(source), "-o", str(out), "--signer", f"pkcs12:{director_p12}"],
        env={"VEDOMOST_SIGNER_PASSWORD": P12_PASSWORD.decode()},
    )
    assert signed.exit_code == 0, signed.output
    other = generate_demo_pki(tmp_path / "other")
    untrusted = runner.invoke(runner_cli, ["verify", str(out), "--trust", str(other.root_cert)])
    assert untrusted.exit_code == 1
    assert "НЕ ДОВЕРЕННАЯ" in untrusted.output

    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"not a pdf")
    unreadable = runner.invoke(
        runner_cli, ["verify", str(garbage), "--trust", str(other.root_cert)]
    )
    assert unreadable.exit_code == 2
    assert ("Ошибка" in unreadable.output and unreadable.exception is None) or isinstance(
        unreadable.exception, SystemExit
    )

    wrong = runner.invoke(
        runner_cli,
        ["sign", str(source), "-o", str(tmp_path / "x.pdf"), "--signer", f"pkcs12:{director_p12}"],
        env={"VEDOMOST_SIGNER_PASSWORD": "неверный"},
    )
    assert wrong.exit_code == 2
    assert "неверный пароль" in wrong.output
