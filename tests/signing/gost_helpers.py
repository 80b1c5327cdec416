"""OpenSSL with the gost engine as the independent ГОСТ implementation the tests check against."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader

from signing.gost.demo_pki import GostPki


def root_of(pki: GostPki) -> asn1_x509.Certificate:
    """The PKI's root certificate as an asn1crypto object."""
    _, _, der = pem.unarmor(pki.root_cert.read_bytes())
    return asn1_x509.Certificate.load(der)


def openssl_cms_verify(
    pki: GostPki, signature: Path, content: Path, *, ca: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``openssl cms -verify`` of a detached DER CMS, with the CAdES signing-certificate check."""
    return subprocess.run(
        [
            "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(signature),
            "-content", str(content), "-CAfile", str(ca or pki.root_cert), "-purpose", "any",
            "-cades", "-out", "/dev/null",
        ],
        env=pki.env(), capture_output=True, text=True, check=False,
    )  # fmt: skip


def openssl_cms_sign(pki: GostPki, content: Path, out: Path, who: str = "director") -> None:
    """Make a detached CAdES-BES with ``openssl cms -sign`` (the key never enters Vedomost)."""
    subprocess.run(
        [
            "openssl", "cms", "-sign", "-binary", "-cades", "-in", str(content),
            "-signer", str(pki.cert(who)), "-inkey", str(pki.key(who)),
            "-certfile", str(pki.root_cert), "-outform", "DER", "-out", str(out),
        ],
        env=pki.env(), capture_output=True, check=True,
    )  # fmt: skip


def split_embedded(pdf: bytes, tmp: Path, index: int = 0) -> tuple[Path, Path]:
    """Write the CMS of embedded signature ``index`` and the bytes it covers to files."""
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[index]
    a, b, c, d = (int(x) for x in sig.sig_object["/ByteRange"])
    cms_path, data_path = tmp / f"embedded{index}.der", tmp / f"covered{index}.bin"
    cms_path.write_bytes(sig.pkcs7_content)
    data_path.write_bytes(pdf[a : a + b] + pdf[c : c + d])
    return cms_path, data_path
