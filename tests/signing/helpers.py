"""Helpers shared by the signing tests (independent checks with openssl and pdfsig)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader


def pdfsig(path: Path) -> str:
    """Run poppler's pdfsig and return its output."""
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    return result.stdout + result.stderr


def openssl_verify(
    pdf: bytes, tmp: Path, roots_pem: Path, index: int = 0
) -> subprocess.CompletedProcess[str]:
    """Verify signature ``index`` with ``openssl cms -verify`` on its CMS and signed bytes."""
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
        [
            "openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(cms_path),
            "-content",
            str(data_path),
            "-CAfile",
            str(roots_pem),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def widget(pdf: bytes, field_name: str):
    """Return the widget annotation of a signature field (pypdf object)."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for ref in page.get("/Annots", []) or []:
            annot = ref.get_object()
            if annot.get("/T") == field_name:
                return annot
    raise AssertionError(f"no widget {field_name}")


def appearance_lines(pdf: bytes, field_name: str) -> list[str]:
    """Text lines of a widget's normal appearance, read from its /ActualText marked content."""
    from pypdf.generic import ContentStream

    annot = widget(pdf, field_name)
    stream = annot["/AP"]["/N"].get_object()
    content = ContentStream(stream, None)
    lines: list[str] = []
    for operands, operator in content.operations:
        if operator == b"BDC" and len(operands) == 2 and "/ActualText" in operands[1]:
            lines.append(str(operands[1]["/ActualText"]))
    return lines


def fonts(path: Path) -> list[dict[str, str]]:
    """Rows of poppler's pdffonts (name, type, emb)."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        parts = line.split()
        # columns: name type... encoding emb sub uni object ID
        rows.append({"name": parts[0], "emb": parts[-5], "line": line})
    return rows
