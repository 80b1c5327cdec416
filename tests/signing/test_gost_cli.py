"""The ``vedomost`` commands with a ГОСТ key made outside Vedomost (the issue's «done means»)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from signing.gost.demo_pki import GostPki
from tests.fixtures.signing import make_pdf
from tests.signing.gost_helpers import openssl_cms_verify, split_embedded


def _vedomost(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )


@pytest.fixture
def env(tmp_path: Path, gost_pki: GostPki) -> dict[str, str]:
    data = tmp_path / "data"
    data.mkdir()
    return {
        "VEDOMOST_DATA_DIR": str(data),
        "VEDOMOST_DATABASE_URL": f"sqlite:///{data / 'catalog.sqlite3'}",
        "VEDOMOST_SIGNER_PASSWORD": gost_pki.password(),
    }


@pytest.mark.slow
def test_sign_embedded_and_detached_verify_in_vedomost_and_openssl(
    gost_pki: GostPki, env: dict[str, str], tmp_path: Path
) -> None:
    """GIVEN an OpenSSL-made ГОСТ PKCS#12 WHEN `sign` (stamp) and `sign --detached` run
    THEN `verify --trust root.pem` exits 0 for both and openssl accepts both."""
    source = tmp_path / "in.pdf"
    source.write_bytes(make_pdf(2))
    signer = f"pkcs12:{gost_pki.p12('director')}"
    out = tmp_path / "out.pdf"
    sig = tmp_path / "in.pdf.sig"
    trust = ["--trust", str(gost_pki.root_cert)]

    done = _vedomost(["sign", str(source), "-o", str(out), "--signer", signer, "--stamp"], env)
    assert done.returncode == 0, done.stderr
    done = _vedomost(["sign", str(source), "--detached", "-o", str(sig), "--signer", signer], env)
    assert done.returncode == 0, done.stderr

    embedded = _vedomost(["verify", str(out), *trust], env)
    assert embedded.returncode == 0, embedded.stdout + embedded.stderr
    assert "ПОДПИСИ ДЕЙСТВИТЕЛЬНЫ" in embedded.stdout
    assert "ГОСТ Р 34.10-2012" in embedded.stdout
    detached = _vedomost(["verify", str(source), "--detached", str(sig), *trust], env)
    assert detached.returncode == 0, detached.stdout + detached.stderr
    assert "Подписант: Быкова Эвелина Борисовна, Директор" in detached.stdout

    assert openssl_cms_verify(gost_pki, sig, source).returncode == 0
    cms_path, data_path = split_embedded(out.read_bytes(), tmp_path)
    assert openssl_cms_verify(gost_pki, cms_path, data_path).returncode == 0

    # One flipped byte: exit 1 with the reason, for the PDF and for the detached pair.
    tampered = bytearray(out.read_bytes())
    tampered[150] ^= 0x01
    out.write_bytes(bytes(tampered))
    broken = _vedomost(["verify", str(out), *trust], env)
    assert broken.returncode == 1
    assert "хэш не совпадает" in broken.stdout
    source.write_bytes(make_pdf(2) + b"\n")
    broken = _vedomost(["verify", str(source), "--detached", str(sig), *trust], env)
    assert broken.returncode == 1


@pytest.mark.slow
def test_sign_prepare_openssl_sign_finish(
    gost_pki: GostPki, env: dict[str, str], tmp_path: Path
) -> None:
    """GIVEN `sign-prepare` WHEN OpenSSL signs the prepared bytes and `sign-finish --cms` embeds
    the CMS THEN the PDF verifies in Vedomost and in OpenSSL."""
    source = tmp_path / "in.pdf"
    source.write_bytes(make_pdf(2))
    out = tmp_path / "signed.pdf"
    prepared = _vedomost(
        [
            "sign-prepare", str(source), "-o", str(out), "--cert", str(gost_pki.cert("director")),
            "--cert", str(gost_pki.root_cert), "--stamp",
        ],
        env,
    )  # fmt: skip
    assert prepared.returncode == 0, prepared.stderr
    tbs = tmp_path / "signed.pdf.tbs"
    state = tmp_path / "signed.pdf.deferred.json"
    sig = tmp_path / "director.sig"
    subprocess.run(
        [
            "openssl", "cms", "-sign", "-binary", "-cades", "-in", str(tbs),
            "-signer", str(gost_pki.cert("director")), "-inkey", str(gost_pki.key("director")),
            "-outform", "DER", "-out", str(sig),
        ],
        env=gost_pki.env(), check=True, capture_output=True,
    )  # fmt: skip

    # A CMS over other bytes is refused before it is embedded.
    wrong = tmp_path / "wrong.sig"
    subprocess.run(
        [
            "openssl", "cms", "-sign", "-binary", "-cades", "-in", str(source),
            "-signer", str(gost_pki.cert("director")), "-inkey", str(gost_pki.key("director")),
            "-outform", "DER", "-out", str(wrong),
        ],
        env=gost_pki.env(), check=True, capture_output=True,
    )  # fmt: skip
    refused = _vedomost(["sign-finish", str(state), "--cms", str(wrong), "-o", str(out)], env)
    assert refused.returncode == 2
    assert "не для этого подготовленного файла" in refused.stderr

    finished = _vedomost(["sign-finish", str(state), "--cms", str(sig), "-o", str(out)], env)
    assert finished.returncode == 0, finished.stderr
    verified = _vedomost(["verify", str(out), "--trust", str(gost_pki.root_cert)], env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    cms_path, data_path = split_embedded(out.read_bytes(), tmp_path)
    assert openssl_cms_verify(gost_pki, cms_path, data_path).returncode == 0


@pytest.mark.slow
def test_keys_demo_gost_makes_a_working_pki(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    env = {
        "VEDOMOST_DATA_DIR": str(data),
        "VEDOMOST_DATABASE_URL": f"sqlite:///{data / 'catalog.sqlite3'}",
    }
    keys = tmp_path / "keys"
    made = _vedomost(["keys", "demo", "--gost", "--bits", "512", str(keys)], env)
    assert made.returncode == 0, made.stderr
    assert "Корневой сертификат ГОСТ" in made.stdout
    source = tmp_path / "in.pdf"
    source.write_bytes(make_pdf(1))
    env["VEDOMOST_SIGNER_PASSWORD"] = (keys / "password.txt").read_text().strip()
    signed = _vedomost(
        ["sign", str(source), "-o", str(tmp_path / "out.pdf"), "--signer",
         f"pkcs12:{keys / 'teacher.p12'}", "--field", "class_teacher"],
        env,
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    verified = _vedomost(
        ["verify", str(tmp_path / "out.pdf"), "--trust", str(keys / "ca.pem")], env
    )
    assert verified.returncode == 0, verified.stdout
    assert "512 бит" in verified.stdout


def test_period_close_unlocks_and_signs_with_a_gost_key(
    gost_pki: GostPki, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN VEDOMOST_SIGNER_P12 naming a ГОСТ PKCS#12 WHEN the period close unlocks it
    THEN it gets a ГОСТ signer and its signing options give a valid stamped signature."""
    from service.jobs.period_sign import unlock_signer
    from signing import SigningOptions, validate
    from signing.gost.signer import GostSigner
    from signing.pades import prepare, sign_with
    from tests.signing.gost_helpers import root_of

    monkeypatch.setenv("VEDOMOST_SIGNER_P12", str(gost_pki.p12("director")))
    signer = unlock_signer(gost_pki.password())
    assert isinstance(signer, GostSigner)
    prepared = prepare(
        signer,
        SigningOptions(
            field_name="director", stamp=True, reason="Правильность переноса данных заверяю"
        ),
    )
    signed = sign_with(prepared, make_pdf(2, fields=("director",)))
    report = validate(signed, [root_of(gost_pki)])
    assert report.valid, report.to_text()


@pytest.mark.django_db
def test_web_verification_accepts_a_gost_signature(
    gost_pki: GostPki, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN VEDOMOST_TRUST_ROOTS naming the ГОСТ root WHEN a ГОСТ-signed PDF is checked by the
    web verification THEN it is valid, with the ГОСТ algorithm in the report."""
    from service.archive.verification import verify_pdf
    from signing import SigningOptions, load_pkcs12, sign_pdf

    monkeypatch.setenv("VEDOMOST_TRUST_ROOTS", str(gost_pki.root_cert))
    signer = load_pkcs12(gost_pki.p12("director"), gost_pki.password().encode())
    signed = sign_pdf(make_pdf(1), signer, SigningOptions(stamp=True))
    result = verify_pdf(signed, "school-without-archive")
    assert result.readable and result.valid, result.report_text
    assert "ГОСТ Р 34.10-2012" in result.report_text
