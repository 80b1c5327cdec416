"""Everything that depends on pyHanko internals, in one place, for the versions it was written for.

- :class:`CachingGlyphAccumulatorFactory`: the stamp font engine parses PT Serif once per process
  and embeds each glyph subset once. In a batch every stamp has the same glyphs (same signer), so
  fontTools' parsing, subsetting and saving — most of the per-document cost of a visible stamp
  with pyHanko's ``GlyphAccumulator`` — is done once; each document still gets its own font
  objects (fresh subset prefix, same program). It sets up ``GlyphAccumulator``'s private state.
- :class:`ReproducibleIncrementalWriter`: an incremental update that leaves the document's Info
  and XMP as they are (pyHanko re-serialises them and stamps "now") and derives the update's file
  id from the content instead of drawing a random one, so the same input gives the same bytes.

Where pyHanko has a public extension point it is used instead (see
:mod:`signing.signed_attributes`). :func:`install` checks that the installed pyHanko is one of
:data:`SUPPORTED_VERSIONS` and that the internals used here exist; it fails loudly otherwise.
"""

from __future__ import annotations

import functools
import hashlib
import io
import threading
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from typing import Any

import uharfbuzz as hb
from fontTools import subset, ttLib
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngine
from pyhanko.pdf_utils.font.opentype import (
    CIDFontType2,
    GlyphAccumulator,
    GlyphAccumulatorFactory,
    _read_ps_name,
)
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

#: pyHanko minor versions (0.x) this module was written for and tested with.
SUPPORTED_VERSIONS = ("0.38",)

_MAX_SUBSETS = 256
_lock = threading.Lock()
_installed = False


class UnsupportedPyHanko(RuntimeError):
    """The installed pyHanko is not a version this module was written for."""


def check_version(version: str | None = None) -> None:
    """Raise :class:`UnsupportedPyHanko` unless ``version`` is in :data:`SUPPORTED_VERSIONS`."""
    found = version or installed_version("pyHanko")
    if ".".join(found.split(".")[:2]) not in SUPPORTED_VERSIONS:
        raise UnsupportedPyHanko(
            f"pyHanko {found} is not supported: {__name__} was written for pyHanko "
            + ", ".join(v + ".x" for v in SUPPORTED_VERSIONS)
        )


def install() -> None:
    """Check the pyHanko version and the internals used here (idempotent); raise if they changed."""
    global _installed
    if _installed:
        return
    check_version()
    needed: tuple[tuple[type, str], ...] = (
        (IncrementalPdfFileWriter, "_update_meta"),
        (CIDFontType2, "set_font_file"),
        (GlyphAccumulator, "prepare_write"),
    )
    for owner, attribute in needed:
        if not callable(getattr(owner, attribute, None)):
            raise UnsupportedPyHanko(
                f"pyHanko: {owner.__name__}.{attribute} is gone; re-check {__name__}"
            )
    _installed = True


@dataclass
class _SharedFont:
    """A parsed TrueType font shared by all stamps in this process (read-only use)."""

    path: str
    data: bytes
    tt: ttLib.TTFont
    hb_font: hb.Font
    glyph_set: Any
    ps_name: str
    units_per_em: int
    subsets: dict[frozenset[int], bytes]


@functools.cache
def _shared_font(path: str) -> _SharedFont | None:
    """Parse the font once; None for CFF-flavoured fonts (left to pyHanko's own engine)."""
    with open(path, "rb") as fh:
        data = fh.read()
    tt = ttLib.TTFont(io.BytesIO(data))
    if "CFF " in tt:
        return None
    glyph_set = tt.getGlyphSet(preferCFF=True)
    # Load the tables used for metrics now, so concurrent readers only ever read.
    for tag in ("head", "hhea", "hmtx", "OS/2", "post", "cmap", "glyf"):
        if tag in tt:
            tt[tag]  # forces fontTools' lazy table load
    return _SharedFont(
        path=path,
        data=data,
        tt=tt,
        hb_font=hb.Font(hb.Face(data)),
        glyph_set=glyph_set,
        ps_name=_read_ps_name(tt),
        units_per_em=tt["head"].unitsPerEm,
        subsets={},
    )


def _subset_program(shared: _SharedFont, gids: frozenset[int]) -> bytes:
    """Subset a fresh copy of the font to ``gids`` (GIDs retained, as pyHanko does)."""
    with _lock:
        cached = shared.subsets.get(gids)
    if cached is not None:
        return cached
    tt = ttLib.TTFont(io.BytesIO(shared.data))
    options = subset.Options(layout_closure=False)
    options.drop_tables += ["GPOS", "GDEF", "GSUB"]
    options.retain_gids = True
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(gids=sorted(gids))
    subsetter.subset(tt)
    buf = io.BytesIO()
    tt.save(buf)
    program = buf.getvalue()
    with _lock:
        if len(shared.subsets) < _MAX_SUBSETS:
            shared.subsets[gids] = program
    return program


class CachingGlyphAccumulator(GlyphAccumulator):
    """``GlyphAccumulator`` over a shared parsed font, embedding cached subset programs."""

    def __init__(
        self, writer: Any, shared: _SharedFont, font_size: int, obj_stream: Any = None
    ) -> None:
        FontEngine.__init__(
            self,
            writer,
            shared.ps_name,
            embedded_subset=True,
            obj_stream=obj_stream,
            font_size=font_size,
        )
        self._shared = shared
        self.hb_font = shared.hb_font
        self.tt = shared.tt
        self._font_ref = writer.allocate_placeholder()
        self.cff_charset = None
        self.use_raw_gids = True
        self.cidfont_obj = CIDFontType2(shared.tt, shared.ps_name, self.subset_prefix)
        self.features = None
        self.units_per_em = shared.units_per_em
        self._glyphs = {}
        self._glyph_set = shared.glyph_set
        self._cid_to_unicode = {}
        self._GlyphAccumulator__reverse_cmap = None
        self.ot_language_tag = None
        self.ot_script_tag = None
        self.writing_direction = None
        self.bcp47_lang_code = None
        self._subset_created = self._write_prepared = False

    def prepare_write(self) -> None:
        """Embed the subset program for this document's glyphs (built once per glyph set)."""
        if self._write_prepared:
            return
        cid_font = self.cidfont_obj
        shared = self._shared
        gids = frozenset(self._glyphs)

        def embed_program(writer: Any) -> generic.IndirectObject:
            stream = generic.StreamObject(stream_data=_subset_program(shared, gids))
            stream.compress()
            ref = writer.add_object(stream)
            cid_font._font_descriptor[pdf_name("/FontFile2")] = ref
            return ref

        cid_font.set_font_file = embed_program  # type: ignore[method-assign]
        self._subset_created = True  # never subset the shared font in place
        super().prepare_write()


@dataclass(frozen=True)
class CachingGlyphAccumulatorFactory(GlyphAccumulatorFactory):
    """Font engine factory for the stamp: shared parsed font, cached subsets."""

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        """Create the font engine for one document's stamp."""
        shared = _shared_font(self.font_file)
        if shared is None:
            return super().create_font_engine(writer, obj_stream)
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return CachingGlyphAccumulator(writer, shared, self.font_size, obj_stream)


class ReproducibleIncrementalWriter(IncrementalPdfFileWriter):
    """Incremental writer over ``pdf``: Info and XMP kept, file id derived from ``pdf``."""

    def __init__(self, pdf: bytes) -> None:
        super().__init__(io.BytesIO(pdf), strict=False)
        original = self._document_id
        if not isinstance(original, generic.ArrayObject):
            raise UnsupportedPyHanko(f"pyHanko: the writer's _document_id changed; see {__name__}")
        self._document_id = generic.ArrayObject(
            [
                original[0],
                generic.ByteStringObject(hashlib.md5(pdf, usedforsecurity=False).digest()),
            ]
        )

    def _update_meta(self) -> None:
        """Leave the document's Info dictionary and XMP metadata untouched."""
