"""Demo PKI for the embedded default: root → intermediate → director and class teachers.

Keys are generated with ``cryptography`` at run time and never committed. Each person's key and
certificate chain is a PKCS#12 file protected by one generated password. Given the names a
journal gives its director and class teachers, :func:`ensure_demo_pki` issues each person a
certificate in their own name (so a document's signer check passes without an override); the
intermediate CA's key is kept (encrypted with the same password) to issue them later.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DIRECTOR_NAME = "Иванова Мария Сергеевна"
TEACHER_NAME = "Петров Андрей Николаевич"
SCHOOL_NAME = "Демонстрационная школа"


@dataclass(frozen=True)
class DemoPki:
    """Paths of a generated demo PKI."""

    directory: Path
    root_cert: Path
    intermediate_cert: Path
    director_p12: Path
    director_password_file: Path
    teacher_p12: Path

    def director_password(self) -> bytes:
        """Return the generated password of the demo PKCS#12 files (one for every person)."""
        return self.director_password_file.read_bytes().strip()

    def person_p12(self, key_id: str) -> Path:
        """The PKCS#12 file of the person ``key_id`` (a staff id), see :func:`ensure_demo_pki`."""
        return self.directory / "people" / f"{_safe(key_id)}.p12"


def _safe(key_id: str) -> str:
    return re.sub(r"[^\w-]", "_", key_id) or "_"


def _name(common_name: str, title: str | None = None) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, SCHOOL_NAME),
    ]
    if title:
        attrs.append(x509.NameAttribute(NameOID.TITLE, title))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def issue_certificate(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    *,
    ca: bool,
    not_before: dt.datetime,
    not_after: dt.datetime,
    path_length: int | None = None,
) -> x509.Certificate:
    """Issue an RSA/SHA-256 certificate with the key usages a CA or a document signer needs."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if ca:
        usage = x509.KeyUsage(
            digital_signature=True,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=True,
            crl_sign=True,
            encipher_only=False,
            decipher_only=False,
        )
    else:
        usage = x509.KeyUsage(
            digital_signature=True,
            content_commitment=True,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=False,
            crl_sign=False,
            encipher_only=False,
            decipher_only=False,
        )
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
    builder = builder.add_extension(usage, critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def generate_demo_pki(directory: Path, *, now: dt.datetime | None = None) -> DemoPki:
    """Generate the demo PKI into ``directory`` (created if missing) and return its paths."""
    directory.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(days=1)

    root_key, interm_key = _new_key(), _new_key()
    root_name = _name("Демо корневой УЦ Ведомость")
    interm_name = _name("Демо подчинённый УЦ Ведомость")
    root = issue_certificate(
        root_name,
        root_key,
        root_name,
        root_key,
        ca=True,
        not_before=start,
        not_after=start + dt.timedelta(days=365 * 20),
    )
    interm = issue_certificate(
        interm_name,
        interm_key,
        root_name,
        root_key,
        ca=True,
        path_length=0,
        not_before=start,
        not_after=start + dt.timedelta(days=365 * 10),
    )
    password = secrets.token_urlsafe(18).encode()
    pem = serialization.Encoding.PEM
    (directory / "root.pem").write_bytes(root.public_bytes(pem))
    (directory / "intermediate.pem").write_bytes(interm.public_bytes(pem))
    _write_private(
        directory / INTERMEDIATE_KEY,
        interm_key.private_bytes(
            pem,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password),
        ),
    )
    _write_private(directory / "password.txt", password + b"\n")
    paths = demo_pki_paths(directory)
    _issue_person(paths, paths.director_p12, "director", DIRECTOR_NAME, "Директор", now=now)
    _issue_person(
        paths, paths.teacher_p12, "teacher", TEACHER_NAME, "Классный руководитель", now=now
    )
    return paths


INTERMEDIATE_KEY = "intermediate-key.pem"


def _issue_person(
    paths: DemoPki, p12_path: Path, label: str, full_name: str, title: str, *, now: dt.datetime
) -> None:
    """Issue a key and certificate in ``full_name`` from the demo intermediate CA."""
    password = paths.director_password()
    interm_key = serialization.load_pem_private_key(
        (paths.directory / INTERMEDIATE_KEY).read_bytes(), password
    )
    assert isinstance(interm_key, rsa.RSAPrivateKey)
    interm = x509.load_pem_x509_certificate(paths.intermediate_cert.read_bytes())
    root = x509.load_pem_x509_certificate(paths.root_cert.read_bytes())
    start = now - dt.timedelta(days=1)
    key = _new_key()
    cert = issue_certificate(
        _name(full_name, title),
        key,
        interm.subject,
        interm_key,
        ca=False,
        not_before=start,
        not_after=start + dt.timedelta(days=365 * 3),
    )
    p12 = pkcs12.serialize_key_and_certificates(
        name=label.encode(),
        key=key,
        cert=cert,
        cas=[interm, root],
        encryption_algorithm=serialization.BestAvailableEncryption(password),
    )
    p12_path.parent.mkdir(parents=True, exist_ok=True)
    _write_private(p12_path, p12)
    p12_path.with_suffix(".pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _owner_of(p12_path: Path) -> str:
    """The common name of the certificate issued into ``p12_path`` ("" when there is none)."""
    pem = p12_path.with_suffix(".pem")
    if not (p12_path.exists() and pem.exists()):
        return ""
    cert = x509.load_pem_x509_certificate(pem.read_bytes())
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def demo_pki_paths(directory: Path) -> DemoPki:
    """Return the paths of a demo PKI in ``directory`` (whether or not it exists yet)."""
    return DemoPki(
        directory=directory,
        root_cert=directory / "root.pem",
        intermediate_cert=directory / "intermediate.pem",
        director_p12=directory / "director.p12",
        director_password_file=directory / "password.txt",
        teacher_p12=directory / "teacher.p12",
    )


def ensure_demo_pki(
    directory: Path, *, director: str | None = None, people: Mapping[str, str] | None = None
) -> DemoPki:
    """Return the demo PKI in ``directory``, generating it on first use.

    Args:
        directory: Where the demo keys live.
        director: The director's full name («Фамилия Имя Отчество»); the director's key is
            (re)issued in this name when its certificate names someone else.
        people: Staff id → full name of each person who needs a key of their own (class
            teachers); a missing key, or one in another name, is issued.
    """
    paths = demo_pki_paths(directory)
    if not (
        paths.director_p12.exists()
        and paths.root_cert.exists()
        and (directory / INTERMEDIATE_KEY).exists()
    ):
        paths = generate_demo_pki(directory)
    now = dt.datetime.now(dt.UTC)
    if director and _owner_of(paths.director_p12) != director:
        _issue_person(paths, paths.director_p12, "director", director, "Директор", now=now)
    for key_id, full_name in (people or {}).items():
        target = paths.person_p12(key_id)
        if full_name and _owner_of(target) != full_name:
            _issue_person(paths, target, _safe(key_id), full_name, "Классный руководитель", now=now)
    return paths
