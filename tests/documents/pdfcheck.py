"""Helpers that inspect rendered PDFs with independent tools (qpdf, poppler) and pypdf."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from pypdf import PdfReader


@dataclass(frozen=True)
class Word:
    text: str
    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


def words(path: Path) -> list[Word]:
    """Every word with its box, via ``pdftotext -bbox``."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    found = []
    for page, body in enumerate(html.split("<page ")[1:], start=1):
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            body,
        ):
            found.append(
                Word(unescape(m.group(5)), page, *(float(m.group(i)) for i in range(1, 5)))
            )
    return found


def qpdf_check(path: Path) -> str:
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def xmp(path: Path) -> str:
    reader = PdfReader(path)
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")


def text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
