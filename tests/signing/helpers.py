"""Helpers shared by the signing tests (independent checks with openssl and pdfsig)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader


def pdfsig(path: Path) -> str:
    """Run poppler's pdfsig and return its output."""
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    return result.stdout + result.stderr


def openssl_verify(pdf: bytes, tmp: Path, roots_pem: Path, index: int = 0) -> subprocess.CompletedProcess[str]:
    """Verify signature ``index`` with ``openssl cms -verify`` on the extracted CMS and byte ranges."""
    import io

    reader = PdfFileReader(io.BytesIO(pdf))
    sig = reader.embedded_signatures[index]
    byte_range = sig.sig_object["/ByteRange"]
    a, b, c, d = (int(x) for x in byte_range)
    content = pdf[a : a + b] + pdf[c : c + d]
    cms_path = tmp / f"sig{index}.der"
    data_path = tmp / f"signed{index}.bin"
    cms_path.write_bytes(sig.pkcs7_content)
    data_path.write_bytes(content)
    return subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(cms_path),
         "-content", str(data_path), "-CAfile", str(roots_pem), "-purpose", "any",
         "-out", "/dev/null"],
        capture_output=True, text=True, check=False,
    )
