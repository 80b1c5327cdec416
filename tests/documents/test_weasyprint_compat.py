"""The WeasyPrint patches still apply to the installed WeasyPrint and do what they exist for."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pikepdf
import pytest
from fontTools import ttLib
from weasyprint import CSS, HTML
from weasyprint.draw import text as weasy_draw_text
from weasyprint.text import line_break

from service.documents import weasyprint_compat

PT_SERIF = Path("/usr/share/fonts/truetype/paratype/PTF55F.ttf")


def test_install_replaces_weasyprints_functions_and_refuses_another_version() -> None:
    weasyprint_compat.install()
    assert line_break.Layout.set_tabs is weasyprint_compat._set_tabs
    assert getattr(weasy_draw_text.draw_first_line, "vedomost_patched", False)
    with pytest.raises(weasyprint_compat.UnsupportedWeasyPrint, match=r"WeasyPrint 71\.0"):
        weasyprint_compat.check_version("71.0")


def _tab_advances(pdf: bytes) -> list[float]:
    """The advances (thousandths of the font size) written for empty glyphs in text runs."""
    advances = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for operands, operator in pikepdf.parse_content_stream(document.pages[0]):
            if str(operator) != "TJ":
                continue
            items = list(operands[0])
            for before, item in itertools.pairwise(items):
                if isinstance(before, pikepdf.String) and not isinstance(item, pikepdf.String):
                    if bytes(before) == b"":
                        advances.append(-float(item))
    return advances


def test_a_length_tab_size_centres_marks_at_their_true_width() -> None:
    """GIVEN «\\tX» with 40px tab stops WHEN rendered THEN X is centred on 20px exactly.

    Needs both patches: centred stops (WeasyPrint only makes left ones, at 40px) and the empty
    glyph's advance scaled like other glyphs' (WeasyPrint writes it 1024/1000 too wide).
    """
    weasyprint_compat.install()
    html = "<p style=\"font: 10px 'PT Serif'; white-space: pre; tab-size: 40px; margin: 0\">\tX</p>"
    pdf = HTML(string=html).write_pdf()
    font = ttLib.TTFont(PT_SERIF)
    x_width = font["hmtx"][font.getBestCmap()[ord("X")]][0] * 1000 / font["head"].unitsPerEm
    (advance,) = _tab_advances(pdf)
    assert advance + x_width / 2 == pytest.approx(2000, abs=8)


def test_minimal_user_agent_html_uses_the_given_stylesheet() -> None:
    """GIVEN an empty user-agent stylesheet THEN the body has no default 8px margin."""
    html = "<body><p>Текст</p></body>"
    default = HTML(string=html).render()
    ours = weasyprint_compat.MinimalUserAgentHTML(
        string=html, ua_stylesheet=CSS(string="")
    ).render()

    def body_margin(document: object) -> float:
        page_box = document.pages[0]._page_box  # type: ignore[attr-defined]
        return float(page_box.children[0].children[0].margin_left)

    assert (body_margin(default), body_margin(ours)) == (8, 0)
