"""A ГОСТ Р 34.10-2012 demo/test PKI made by the OpenSSL command line with the gost engine.

OpenSSL is run with a fixed argument list (no shell) and an ``OPENSSL_CONF`` written next to the
keys that loads the engine; the keys are created inside the target directory only.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import SigningError

OPENSSL_GOST_CONF = """openssl_conf = openssl_def
[openssl_def]
engines = engine_section
[engine_section]
gost = gost_section
[gost_section]
engine_id = gost
default_algorithms = ALL
"""

ROOT_SUBJECT = "/CN=Тестовый УЦ ГОСТ/O=Школа"
PEOPLE = {
    "director": "/CN=Быкова Эвелина Борисовна/SN=Быкова/GN=Эвелина Борисовна/title=Директор",
    "teacher": "/CN=Соколов Иван Петрович/SN=Соколов/GN=Иван Петрович/title=Классный руководитель",
}


@dataclass(frozen=True)
class GostPki:
    """Paths of a generated ГОСТ PKI."""

    directory: Path
    bits: int
    root_cert: Path
    root_key: Path
    config: Path

    def cert(self, name: str) -> Path:
        """Certificate (PEM) of ``director`` or ``teacher``."""
        return self.directory / f"{name}.pem"

    def key(self, name: str) -> Path:
        """Unencrypted private key (PEM) of ``director`` or ``teacher``."""
        return self.directory / f"{name}.key"

    def p12(self, name: str) -> Path:
        """PKCS#12 (key, certificate, root) of ``director`` or ``teacher``."""
        return self.directory / f"{name}.p12"

    @property
    def password_file(self) -> Path:
        """File holding the PKCS#12 password."""
        return self.directory / "password.txt"

    def password(self) -> str:
        """The PKCS#12 password."""
        return self.password_file.read_text(encoding="utf-8").strip()

    def env(self) -> dict[str, str]:
        """Environment for running ``openssl`` with the gost engine on this PKI."""
        return {**os.environ, "OPENSSL_CONF": str(self.config)}


def openssl(
    args: list[str], config: Path, cwd: Path, extra_env: dict[str, str] | None = None
) -> None:
    """Run ``openssl`` with the gost engine configuration; raise on failure."""
    binary = shutil.which("openssl")
    if binary is None:
        raise SigningError("Не найдена программа openssl")
    result = subprocess.run(
        [binary, *args],
        cwd=cwd,
        env={**os.environ, **(extra_env or {}), "OPENSSL_CONF": str(config)},
        capture_output=True,
        check=False,
        timeout=60,
    )
    if result.returncode != 0:
        raise SigningError(
            "OpenSSL с модулем ГОСТ завершился с ошибкой (установлен ли libengine-gost-openssl?): "
            + result.stderr.decode(errors="replace")[-300:]
        )


def generate_gost_pki(directory: Path, bits: int = 256, days: int = 365) -> GostPki:
    """Create a ГОСТ root CA and director/teacher keys, certificates and PKCS#12 files."""
    if bits not in (256, 512):
        raise SigningError("Размер ключа ГОСТ: 256 или 512 бит")
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    config = directory / "openssl-gost.cnf"
    config.write_text(OPENSSL_GOST_CONF, encoding="utf-8")
    algorithm = f"gost2012_{bits}"
    paramset = "A"
    password = secrets.token_urlsafe(12)
    (directory / "password.txt").write_text(password + "\n", encoding="utf-8")
    os.chmod(directory / "password.txt", 0o600)

    def run(*args: str) -> None:
        # The password goes through the environment, not argv, so `ps` does not show it.
        openssl(list(args), config, directory, {"VEDOMOST_GOST_P12_PASSWORD": password})

    run("genpkey", "-algorithm", algorithm, "-pkeyopt", f"paramset:{paramset}", "-out", "ca.key")
    run(
        "req", "-x509", "-new", "-key", "ca.key", "-out", "ca.pem", "-days", str(days), "-utf8",
        "-subj", ROOT_SUBJECT,
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-addext", "basicConstraints=critical,CA:true",
    )  # fmt: skip
    (directory / "ext.cnf").write_text(
        "keyUsage=critical,digitalSignature,nonRepudiation\n", encoding="utf-8"
    )
    for name, subject in PEOPLE.items():
        run("genpkey", "-algorithm", algorithm, "-pkeyopt", f"paramset:{paramset}",
            "-out", f"{name}.key")  # fmt: skip
        run("req", "-new", "-key", f"{name}.key", "-out", f"{name}.csr", "-utf8", "-subj", subject)
        run(
            "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", f"{name}.pem", "-days", str(min(days, 365)),
            "-extfile", "ext.cnf",
        )  # fmt: skip
        run(
            "pkcs12", "-export", "-inkey", f"{name}.key", "-in", f"{name}.pem",
            "-certfile", "ca.pem", "-out", f"{name}.p12",
            "-passout", "env:VEDOMOST_GOST_P12_PASSWORD",
        )  # fmt: skip
    for path in directory.glob("*.key"):
        os.chmod(path, 0o600)
    return GostPki(directory, bits, directory / "ca.pem", directory / "ca.key", config)
