"""The WeasyPrint patches still apply to the installed WeasyPrint and do what they exist for."""

from __future__ import annotations

import io
import itertools
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import pikepdf
import pydyf
import pytest
import tinycss2
import tinyhtml5
from fontTools import ttLib
from weasyprint import CSS, HTML
from weasyprint.draw import text as weasy_draw_text
from weasyprint.text import line_break

from service.documents import weasyprint_compat
from tests.documents.pdfcheck import words

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


def _same_tree(a: ElementTree.Element, b: ElementTree.Element) -> bool:
    here = (a.tag, a.attrib, a.text or "", a.tail or "", len(a))
    return here == (b.tag, b.attrib, b.text or "", b.tail or "", len(b)) and all(
        _same_tree(x, y) for x, y in zip(a, b, strict=True)
    )


def _kind_html() -> dict[str, str]:
    """Every kind's template output for the tiny school, and a printout of two sheets."""
    from service.documents.kinds import KINDS, build
    from service.documents.render import render_html
    from tests.documents.factories import tiny_school, wide_school
    from tests.documents.test_render import KINDS as CASES

    snap = tiny_school()
    cases = {name: build(snap, kind, params) for name, (kind, params) in CASES.items()}
    cases["printout 30 × 50"] = build(
        wide_school(30, 50), "journal-printout", {"class": "7Б", "subject": "math", "period": "Q1"}
    )
    out = {}
    for name, data in cases.items():
        kind = KINDS[data.meta.kind]
        out[name] = render_html(data, kind.template, kind.context(data) if kind.context else None)
    return out


def test_parse_html_builds_the_tree_of_weasyprints_html5_parser_for_every_kind() -> None:
    """GIVEN each kind's rendered template WHEN parsed THEN the tree is tinyhtml5's, and the
    printout (hundreds per close) is read by the XML parser, not by the fallback."""
    for name, html in _kind_html().items():
        expected = tinyhtml5.parse(html, namespace_html_elements=False)
        assert _same_tree(weasyprint_compat.parse_html(html), expected), name
        if name.startswith("printout"):
            ElementTree.fromstring(html)  # noqa: S314 - ours; well-formed: no fallback


def test_parse_html_falls_back_for_html_that_is_not_xml() -> None:
    html = "<html><body><p>Один<br>два &nbsp;три</body></html>"
    tree = weasyprint_compat.parse_html(html)
    assert _same_tree(tree, tinyhtml5.parse(html, namespace_html_elements=False))
    assert tree.find("body/p/br") is not None


SHEETS = {
    "marks": (
        '<col class="num"/><col class="name"/><col class="day"/>',
        '<td class="n">{a}</td><td class="name">{b}</td><td class="run">\t5</td>',
        '<td class="who" colspan="2">\t{a}\t{b}</td><td class="run">\t5</td>',
        (("1", "Алексеев Максим"), ("12", "Щ"), ("128", "Юсупова Алия")),
    ),
    "topics": (
        '<col class="num"/><col class="date"/><col class="topic"/><col class="hw"/>'
        '<col class="wt"/>',
        '<td class="n">{a}</td><td class="c">{b}</td><td>Тема</td><td>§ 1</td><td>Урок</td>',
        '<td class="nd" colspan="2">\t{a}\t{b}</td><td>Тема</td><td>§ 1</td><td>Урок</td>',
        (("1", "02.09.2024"), ("12", "11.11.2024"), ("128", "1.1.2025")),
    ),
}


@pytest.mark.parametrize("sheet", list(SHEETS))
def test_explicit_tab_stops_put_a_run_where_two_padded_cells_put_their_text(sheet: str) -> None:
    """GIVEN a printout row's number and name (or date) as two cells and as one run on
    --tab-stops WHEN rendered with the documents' stylesheet THEN every word is at one place."""
    from service.documents.render import TEMPLATES, resources

    res = resources()
    columns, two, one, values = SHEETS[sheet]
    positions = []
    for cells in (two, one):
        rows = "".join("<tr>" + cells.format(a=a, b=b) + "</tr>" for a, b in values)
        html = (
            f'<html><body><table class="grid {sheet}"><colgroup>{columns}</colgroup>'
            f"<tbody>{rows}</tbody></table></body></html>"
        )
        document = weasyprint_compat.MinimalUserAgentHTML(
            string=html, base_url=str(TEMPLATES) + "/", ua_stylesheet=res.ua_stylesheet
        ).render(stylesheets=[res.stylesheet], font_config=res.font_config)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(document.write_pdf())
            pdf.flush()
            positions.append([(w.text, round(w.x0, 2), round(w.x1, 2)) for w in words(pdf.name)])
    two_cells, one_run = positions
    assert len(two_cells) >= 3 * 3
    for (text, x0, x1), (text2, y0, y1) in zip(two_cells, one_run, strict=True):
        assert text == text2 and abs(x0 - y0) < 0.05 and abs(x1 - y1) < 0.05, (text, x0, y0)


def test_tab_stops_refuse_a_malformed_list() -> None:
    tokens = tinycss2.parse_component_value_list("right 20px left")
    with pytest.raises(ValueError, match="an alignment and a length"):
        weasyprint_compat.tab_stops(tokens)
    with pytest.raises(ValueError, match="not 3em"):
        weasyprint_compat.tab_stops(tinycss2.parse_component_value_list("left 3em"))
    stops = weasyprint_compat.tab_stops(tinycss2.parse_component_value_list("right 6mm center 9pt"))
    assert stops == [(1, pytest.approx(6 * 96 / 25.4)), (2, pytest.approx(12))]


def test_pydyf_writes_each_stream_once_and_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a PDF with an identifier (PDF/A) WHEN written THEN each stream is serialised and
    deflated once, not once for the hash and again for the file, and the bytes are pydyf's."""
    weasyprint_compat.install()
    made: list[int] = []
    original = weasyprint_compat._pydyf_stream_data

    def counting(stream: pydyf.Stream) -> bytes:
        made.append(id(stream))
        return original(stream)

    def document() -> pydyf.PDF:
        pdf = pydyf.PDF()
        for text in ("один", "два"):
            content = pydyf.Stream([f"BT ({text}) Tj ET".encode() * 50], compress=True)
            pdf.add_object(content)
            pdf.add_page(pydyf.Dictionary({"Type": "/Page", "Contents": content.reference}))
        return pdf

    monkeypatch.setattr(weasyprint_compat, "_pydyf_stream_data", counting)
    ours = io.BytesIO()
    document().write(ours, identifier=True, compress=True)
    assert len(made) == len(set(made)) >= 3  # the contents, object and xref streams: once each
    monkeypatch.setattr(pydyf.PDF, "write", weasyprint_compat._pydyf_write)
    monkeypatch.setattr(pydyf.Stream, "data", property(original))
    theirs = io.BytesIO()
    document().write(theirs, identifier=True, compress=True)
    assert ours.getvalue() == theirs.getvalue()


STYLED = (
    "<html lang='ru'><body style=\"font: 10pt 'PT Serif'\">"
    "<p>Обычный текст и <b>полужирный</b>, <i>курсив</i>, <u>подчёркнутый</u>.</p>"
    "<p style='font-size: 7.5pt; font-variant-numeric: tabular-nums'>12 345 · 67,89</p>"
    "<p lang='en' style='font-kerning: none; letter-spacing: 0.5pt'>AVATAR WAVE</p>"
    "<p style='font-feature-settings: \"liga\" 0; text-decoration: line-through'>fi fl ff</p>"
    "<p style=\"font-family: 'PT Sans', sans-serif; font-weight: 700\">Иванов Иван</p>"
    "</body></html>"
)


def test_layout_setup_shares_contexts_and_places_every_word_as_weasyprint_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GIVEN text in several fonts, sizes, languages, features and decorations WHEN laid out with
    the cached Pango set-up and with WeasyPrint's own THEN every word has the same box, and the
    cache holds one context per direction and language, not one per text layout (or per style)."""
    from weasyprint.text.fonts import FontConfiguration

    weasyprint_compat.install()
    assert line_break.Layout.setup is weasyprint_compat._setup
    boxes = []
    config = None
    for setup in (weasyprint_compat._setup, weasyprint_compat._weasy_setup):
        monkeypatch.setattr(line_break.Layout, "setup", setup)
        config = FontConfiguration() if config is None else config
        layouts: list[object] = []
        original_init = line_break.Layout.__init__

        def counting(
            self: object, *args: object, _init=original_init, _made=layouts, **kwargs: object
        ) -> None:
            _made.append(self)
            _init(self, *args, **kwargs)

        monkeypatch.setattr(line_break.Layout, "__init__", counting)
        pdf = HTML(string=STYLED).write_pdf(font_config=config)
        monkeypatch.setattr(line_break.Layout, "__init__", original_init)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            boxes.append(
                [(w.text, round(w.x0, 3), round(w.y0, 3), round(w.x1, 3)) for w in words(file.name)]
            )
        if setup is weasyprint_compat._setup:
            contexts, descriptions, _ = config._vedomost_setup  # type: ignore[attr-defined]
            assert len(contexts) == 2 and len(layouts) >= 3 * len(descriptions)
    ours, theirs = boxes
    assert len(ours) >= 15
    assert ours == theirs


GEOMETRY = ("position_x", "position_y", "width", "height", "margin_left", "margin_top")
GEOMETRY += ("padding_left", "padding_top", "min_width", "max_height")


def test_resolve_one_percentage_gives_weasyprints_used_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GIVEN boxes sized in px, %, calc(), auto, min/max and a table WHEN laid out with the inlined
    resolve_one_percentage and with WeasyPrint's own THEN every box has the same geometry."""
    from weasyprint.layout import inline, percent, table

    weasyprint_compat.install()
    assert percent.resolve_one_percentage is weasyprint_compat._resolve_one_percentage
    html = (
        "<body style='margin: 5%'><div style='width: 50%; padding: 2% 3px; margin: auto'>"
        "<p style='width: calc(100% - 20px); min-width: 10%; max-width: 90%; height: 20%'>А</p>"
        "<p style='margin-left: calc(10% + 4px); min-height: auto'>Б <span style='padding: 5%'>"
        "В</span></p></div><table style='width: 80%'><tr><td style='width: 30%; padding: 1%'>Г"
        "</td><td>Д</td></tr></table></body>"
    )

    def geometry() -> list[tuple[float, ...]]:
        page = HTML(string=html).render().pages[0]._page_box

        def walk(box: object) -> list[tuple[float, ...]]:
            here = [tuple(round(float(getattr(box, name)), 4) for name in GEOMETRY)]
            for child in getattr(box, "children", []):
                here += walk(child)
            return here

        return walk(page)

    ours = geometry()
    for module in (percent, inline, table):
        monkeypatch.setattr(module, "resolve_one_percentage", weasyprint_compat._weasy_resolve_one)
    theirs = geometry()
    assert len(ours) >= 12
    assert ours == theirs
