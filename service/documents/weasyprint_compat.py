"""Everything Vedomost changes inside WeasyPrint, in one place, for the versions it was written for.

- Tab stops: a ``tab-size`` given as a length makes *centred* stops (a marks grid row is one text
  run, each mark after a tab, centred in its column); WeasyPrint only makes left stops. The
  custom property ``--tab-stops`` lists explicit stops instead, each an alignment and a length
  from the start of the line (``right 20.88px left 26.46px``): two cells of a row written as one
  run, a right-aligned number and a left-aligned name.
- Empty glyphs (tabs) are drawn at their true width: WeasyPrint 70 writes their advance as Pango
  units / font size, 1024/1000 too wide, so every tab pushed a row's marks 2.4 % further right.
- pydyf (WeasyPrint's PDF writer) serialises and deflates every stream twice when the PDF gets
  an identifier, as PDF/A needs: once to hash the whole file, once to write it. During one
  ``PDF.write`` a stream's bytes are now made once (same bytes; 4 % of a printout's CPU time).
- Text layouts share a Pango context, font description and feature string per style values
  (WeasyPrint made them anew for each layout); ``resolve_one_percentage`` inlines the common
  cases of ``percentage``.
- :class:`MinimalUserAgentHTML` uses our small user-agent stylesheet instead of WeasyPrint's full
  one (which costs about 15 % of the CPU time of a render), and reads a template's output with
  the C XML parser when it is well-formed XHTML (:func:`parse_html`): WeasyPrint's pure-Python
  HTML5 parser took 7 % of a printout's CPU time.

:func:`install` applies all but the last; it refuses any WeasyPrint version other than those listed
in :data:`SUPPORTED_VERSIONS`, because the patches replace private code that changes between
releases. Supporting a new version means re-checking each patch and its test, then adding it.
"""

from __future__ import annotations

import ctypes.util
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from xml.etree import ElementTree


@contextmanager
def _libraries_by_soname() -> Iterator[None]:
    """Load WeasyPrint's native libraries without ``ctypes.util.find_library``.

    WeasyPrint tries several names per library and cffi sends each one that is not a file name
    to ``find_library``, which runs ``ldconfig`` and ``gcc`` in child processes: about 0.15 s of
    CPU per process, more than a printout's whole layout. Every list of names also holds the
    Linux soname (``libpango-1.0.so.0``), which the dynamic linker resolves itself, so during the
    import a lookup answers «not found» and the soname is used. A missing library still fails
    the import loudly (OSError from WeasyPrint).
    """
    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = original


with _libraries_by_soname():
    import cssselect2
    import pydyf
    import tinyhtml5
    import weasyprint
    from weasyprint import CSS, HTML, Attachment
    from weasyprint.draw import text as weasy_draw_text
    from weasyprint.layout import inline as weasy_inline
    from weasyprint.layout import percent as weasy_percent
    from weasyprint.layout import table as weasy_table
    from weasyprint.pdf.metadata import NS, DocumentMetadata
    from weasyprint.text import line_break
    from weasyprint.text.constants import LST_TO_ISO, PANGO_DIRECTION
    from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, gobject, pango, unicode_to_char_p
    from weasyprint.text.fonts import FontConfiguration, font_features, get_font_description

# The renderer takes WeasyPrint's names from here, so this module is always imported first.
__all__ = ["CSS", "HTML", "NS", "Attachment", "DocumentMetadata", "FontConfiguration", "install"]

#: WeasyPrint major versions these patches were written for and tested with.
SUPPORTED_VERSIONS = ("70",)
#: pydyf minor versions (0.x) the stream-bytes cache was written for.
SUPPORTED_PYDYF = ("0.13",)

_PANGO_TAB_CENTER = 2  # PangoTabAlign (Pango ≥ 1.50)
_PANGO_TAB_ALIGN = {"left": 0, "right": 1, "center": _PANGO_TAB_CENTER}
_PX_PER_UNIT = {"px": 1.0, "mm": 96 / 25.4, "pt": 4 / 3}
_BUGGY_ADVANCE = "f'>{-width / font_size}<'"
_FIXED_ADVANCE = "f'>{-width * 1000 * FROM_UNITS / font_size}<'"
_weasy_set_tabs = line_break.Layout.set_tabs
_weasy_setup = line_break.Layout.setup
_weasy_resolve_one = weasy_percent.resolve_one_percentage
_weasy_percentage = weasy_percent.percentage
_pydyf_stream_data = pydyf.Stream.data.fget
_pydyf_write = pydyf.PDF.write
_installed = False


class UnsupportedWeasyPrint(RuntimeError):
    """The installed WeasyPrint is not a version the patches were written for."""


def check_version(version: str = weasyprint.__version__) -> None:
    """Raise :class:`UnsupportedWeasyPrint` unless ``version`` is in :data:`SUPPORTED_VERSIONS`."""
    if version.split(".")[0] not in SUPPORTED_VERSIONS:
        raise UnsupportedWeasyPrint(
            f"WeasyPrint {version} is not supported: the patches in {__name__} were written for "
            f"WeasyPrint {', '.join(v + '.x' for v in SUPPORTED_VERSIONS)}"
        )


def install() -> None:
    """Apply the patches (idempotent); fail loudly if one of them no longer fits WeasyPrint."""
    global _installed
    if _installed:
        return
    check_version()
    if not callable(getattr(HTML, "_ua_stylesheets", None)):
        raise UnsupportedWeasyPrint(
            f"WeasyPrint {weasyprint.__version__}: HTML._ua_stylesheets is gone; "
            f"re-check {__name__}.MinimalUserAgentHTML for this version"
        )
    line_break.Layout.set_tabs = _set_tabs
    _cache_layout_setup()
    _fast_resolve_one_percentage()
    _fix_empty_glyph_advance()
    _stream_bytes_once_per_write()
    _installed = True


def tab_stops(tokens: list[Any]) -> list[tuple[int, float]]:
    """``--tab-stops`` tokens as (Pango alignment, position in px); ValueError when malformed."""
    words = [t for t in tokens if t.type not in ("whitespace", "comment")]
    if len(words) % 2:
        raise ValueError("--tab-stops: an alignment and a length for each stop")
    stops = []
    for align, length in zip(words[::2], words[1::2], strict=True):
        if align.type != "ident" or align.lower_value not in _PANGO_TAB_ALIGN:
            raise ValueError(
                f"--tab-stops: alignment left, right or center, not {align.serialize()}"
            )
        if length.type != "dimension" or length.lower_unit not in _PX_PER_UNIT:
            raise ValueError(f"--tab-stops: a length in px, mm or pt, not {length.serialize()}")
        stops.append(
            (_PANGO_TAB_ALIGN[align.lower_value], length.value * _PX_PER_UNIT[length.lower_unit])
        )
    return stops


def _set_tabs(self: Any) -> None:
    """Stops of ``--tab-stops``, or centred ones for a length ``tab-size``, or WeasyPrint's own."""
    explicit = self.style["__tab_stops"]
    if explicit:
        (align, position), *more = tab_stops(explicit)
        rest = []  # the further stops: C varargs, each an int
        for more_align, more_position in more:
            rest += [ffi.cast("int", more_align), ffi.cast("int", round(more_position * TO_UNITS))]
        array = ffi.gc(
            pango.pango_tab_array_new_with_positions(
                1 + len(more), False, align, round(position * TO_UNITS), *rest
            ),
            pango.pango_tab_array_free,
        )
        pango.pango_layout_set_tabs(self.layout, array)
        return
    size = self.style["tab_size"]
    if isinstance(size, int):
        _weasy_set_tabs(self)
        return
    width = size.value * TO_UNITS  # Pango units: «pixels» stops drift by ~2 % a column
    array = ffi.gc(
        pango.pango_tab_array_new_with_positions(
            2,
            False,
            _PANGO_TAB_CENTER,
            round(width / 2),
            ffi.cast("int", _PANGO_TAB_CENTER),
            ffi.cast("int", round(width * 1.5)),
        ),
        pango.pango_tab_array_free,
    )
    pango.pango_layout_set_tabs(self.layout, array)


_stream_bytes: dict[int, bytes] | None = None  # id(stream) → bytes, during one PDF.write


def _cache_layout_setup() -> None:
    """``Layout.setup`` reuses a Pango context, font description and features per style values.

    WeasyPrint makes a new Pango context, font description and OpenType feature string for every
    text layout (a few thousand per printout, nearly all with one of a handful of styles). A Pango
    context may be shared by many layouts (``pango_layout_new`` takes a reference; nothing here
    changes a context after it is made) and ``pango_layout_set_font_description`` copies the
    description, so they are made once per distinct value and kept on the font configuration.
    """
    source = inspect.getsource(_weasy_setup)
    for needle in (
        "pango_font_map_create_context",
        "get_font_description(style)",
        "font_features(",
    ):
        if needle not in source:
            raise UnsupportedWeasyPrint(
                f"WeasyPrint {weasyprint.__version__}: Layout.setup changed ({needle} is gone); "
                f"re-check {__name__}._cache_layout_setup"
            )
    line_break.Layout.setup = _setup


def _setup(self: Any, style: Any) -> None:
    self.style = style
    self.first_line_direction = 0
    font_config = style.font_config
    caches = font_config.__dict__.get("_vedomost_setup")
    if caches is None:
        caches = font_config._vedomost_setup = ({}, {}, {})
    contexts, descriptions, features_cache = caches

    override = style["font_language_override"]
    lang_value = style["lang"]
    key = (style["direction"], override, lang_value)
    made = contexts.get(key)
    if made is None:
        pango_context = ffi.gc(
            pango.pango_font_map_create_context(font_config.font_map), gobject.g_object_unref
        )
        pango.pango_context_set_round_glyph_positions(pango_context, False)
        pango.pango_context_set_base_dir(pango_context, PANGO_DIRECTION[style["direction"]])
        if override != "normal":
            lang_p, lang = unicode_to_char_p(LST_TO_ISO.get(override.lower(), override))
        elif lang_value:
            lang_p, lang = unicode_to_char_p(lang_value)
        else:
            lang = None
            language = pango.pango_language_get_default()
        if lang:
            language = pango.pango_language_from_string(lang_p)
            pango.pango_context_set_language(pango_context, language)
        made = contexts[key] = (pango_context, language)
    pango_context, self.language = made

    family = style["font_family"]
    assert not isinstance(family, str), "font_family should be a list"
    font_key = (
        tuple(family),
        style["font_style"],
        style["font_stretch"],
        style["font_weight"],
        style["font_size"],
        style["font_variant_caps"],
        style["font_variation_settings"],
    )
    font_description = descriptions.get(font_key)
    if font_description is None:
        font_description = descriptions[font_key] = get_font_description(style)
    self.layout = ffi.gc(pango.pango_layout_new(pango_context), gobject.g_object_unref)
    pango.pango_layout_set_auto_dir(self.layout, False)
    pango.pango_layout_set_font_description(self.layout, font_description)

    if style["text_decoration_line"] != "none":
        metrics = ffi.gc(
            pango.pango_context_get_metrics(pango_context, font_description, self.language),
            pango.pango_font_metrics_unref,
        )
        self.ascent = FROM_UNITS * pango.pango_font_metrics_get_ascent(metrics)
        self.underline_position = FROM_UNITS * pango.pango_font_metrics_get_underline_position(
            metrics
        )
        self.strikethrough_position = FROM_UNITS * (
            pango.pango_font_metrics_get_strikethrough_position(metrics)
        )
        self.underline_thickness = FROM_UNITS * pango.pango_font_metrics_get_underline_thickness(
            metrics
        )
        self.strikethrough_thickness = FROM_UNITS * (
            pango.pango_font_metrics_get_strikethrough_thickness(metrics)
        )
    else:
        self.ascent = None
        self.underline_position = None
        self.strikethrough_position = None

    features_key = (
        style["font_kerning"],
        style["font_variant_ligatures"],
        style["font_variant_position"],
        style["font_variant_caps"],
        style["font_variant_numeric"],
        style["font_variant_alternates"],
        style["font_variant_east_asian"],
        style["font_feature_settings"],
    )
    features = features_cache.get(features_key)
    if features is None:
        features = font_features(*features_key)
        features = features_cache[features_key] = (
            ",".join(f"{name} {value}" for name, value in features.items()).encode()
            if features
            else b""
        )
    if features:
        # WeasyPrint's own cache of feature attributes (it leaks them otherwise).
        attr = font_config.font_features.get(features)
        if attr is None:
            attr = font_config.font_features[features] = pango.pango_attr_font_features_new(
                features
            )
        attr_list = pango.pango_attr_list_new()
        pango.pango_attr_list_insert(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)


def _fast_resolve_one_percentage() -> None:
    """``resolve_one_percentage`` with ``percentage`` inlined for lengths and percentages.

    Called about 14 times per box (margins, paddings, sizes), 23,000 times per printout; the
    result is the same (a length's value, a percentage of the reference, or WeasyPrint's own
    ``percentage`` for anything else).
    """
    source = inspect.getsource(_weasy_resolve_one)
    if "percentage(box.style[property_name], box.style, refer_to)" not in source:
        raise UnsupportedWeasyPrint(
            f"WeasyPrint {weasyprint.__version__}: resolve_one_percentage changed; re-check "
            f"{__name__}._fast_resolve_one_percentage"
        )
    for module in (weasy_percent, weasy_inline, weasy_table):
        module.resolve_one_percentage = _resolve_one_percentage


def _resolve_one_percentage(box: Any, property_name: str, refer_to: Any) -> None:
    style = box.style
    value = style[property_name]
    if value is None or value == "auto":
        used = value
    else:
        unit = getattr(value, "unit", None)
        if unit is None:  # a calc() and the like
            used = _weasy_percentage(value, style, refer_to)
        elif unit == "%":
            used = refer_to * value.value / 100
        else:
            used = value.value
    setattr(box, property_name, used)
    if used == "auto" and property_name in ("min_width", "min_height"):
        setattr(box, property_name, 0)


def _stream_bytes_once_per_write() -> None:
    """Make ``pydyf.Stream.data`` once per stream during ``PDF.write`` (it hashes, then writes)."""
    if ".".join(pydyf.__version__.split(".")[:2]) not in SUPPORTED_PYDYF:
        raise UnsupportedWeasyPrint(
            f"pydyf {pydyf.__version__} is not supported: {__name__} caches stream bytes during "
            f"PDF.write for pydyf {', '.join(SUPPORTED_PYDYF)}"
        )
    if "md5(data)" not in inspect.getsource(pydyf.PDF.write):
        raise UnsupportedWeasyPrint(
            f"pydyf {pydyf.__version__}: PDF.write no longer hashes the objects' data; re-check "
            f"{__name__}._stream_bytes_once_per_write"
        )
    pydyf.Stream.data = property(_stream_data)
    pydyf.PDF.write = _write_once


def _stream_data(self: Any) -> bytes:
    if _stream_bytes is None:
        return _pydyf_stream_data(self)
    made = _stream_bytes.get(id(self))
    if made is None:
        made = _stream_bytes[id(self)] = _pydyf_stream_data(self)
    return made


def _write_once(self: Any, *args: Any, **kwargs: Any) -> Any:
    # The objects stay referenced by the PDF for the whole call: their ids are not reused.
    global _stream_bytes
    _stream_bytes = {}
    try:
        return _pydyf_write(self, *args, **kwargs)
    finally:
        _stream_bytes = None


def _fix_empty_glyph_advance() -> None:
    """Recompile ``draw_first_line`` with the empty glyph's advance scaled like other glyphs'."""
    source = inspect.getsource(weasy_draw_text.draw_first_line)
    if _BUGGY_ADVANCE not in source:
        raise UnsupportedWeasyPrint(
            f"WeasyPrint {weasyprint.__version__}: draw_first_line no longer has the expression "
            f"{__name__} corrects; re-check the patch for this version"
        )
    code = compile(source.replace(_BUGGY_ADVANCE, _FIXED_ADVANCE), weasy_draw_text.__file__, "exec")
    exec(code, vars(weasy_draw_text))  # noqa: S102 - WeasyPrint's own function, one expression changed
    weasy_draw_text.draw_first_line.vedomost_patched = True


def parse_html(string: str) -> ElementTree.Element:
    """The element tree WeasyPrint's HTML5 parser makes of ``string``, fast when it is XHTML.

    A template whose output is well-formed XML (void elements closed, every ``tbody`` written,
    no named entities but XML's) is read by expat in C and gets the tree ``tinyhtml5`` would
    build: text after ``</body>`` belongs to the body and the ``html`` element has no text
    before ``<head>``. Anything else goes through ``tinyhtml5``, as WeasyPrint does. The test of
    this module checks both trees are equal for every document kind.
    """
    try:
        # our own template's output, every value escaped by Jinja: not untrusted XML
        root = ElementTree.fromstring(string)  # noqa: S314
    except ElementTree.ParseError:
        return tinyhtml5.parse(string, namespace_html_elements=False)
    if root.tag != "html" or root.find("body") is None:
        return tinyhtml5.parse(string, namespace_html_elements=False)
    body = root.find("body")
    assert body is not None
    trailing = (body.tail or "") + (root.tail or "")
    if trailing:
        if len(body):
            body[-1].tail = (body[-1].tail or "") + trailing
        else:
            body.text = (body.text or "") + trailing
    root.text = body.tail = root.tail = None
    return root


class MinimalUserAgentHTML(HTML):
    """WeasyPrint's ``HTML`` of a string, with a user-agent stylesheet of our choosing."""

    def __init__(self, *, string: str, ua_stylesheet: CSS, base_url: str | None = None) -> None:
        # WeasyPrint's own set-up on an empty document, then the real tree put in its place
        super().__init__(string="<html></html>", base_url=base_url)
        tree = parse_html(string)
        if tree.find(".//base") is not None:
            raise ValueError("a Vedomost template has no <base>: links are relative to its folder")
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(tree, content_language=None)
        self.etree_element = self.wrapper_element.etree_element
        self._vedomost_ua = ua_stylesheet

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [self._vedomost_ua]
