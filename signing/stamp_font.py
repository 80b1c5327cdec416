"""A glyph accumulator that subsets and embeds the stamp font once per glyph set, not per document.

In a batch every stamp uses the same glyphs (same signer), so fontTools' subsetting and saving —
about two thirds of the per-document cost — is done once and the font program bytes are reused.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import (
    CIDFontType2,
    GlyphAccumulator,
    GlyphAccumulatorFactory,
)
from pyhanko.pdf_utils.generic import pdf_name

# (font file, glyph ids) -> TrueType subset program; bounded by distinct stamps in one process.
_SUBSETS: dict[tuple[str, frozenset[int]], bytes] = {}
_MAX_SUBSETS = 256


@functools.cache
def _font_bytes(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _embed_program(cid_font: CIDFontType2, writer: Any, program: bytes) -> generic.IndirectObject:
    stream = generic.StreamObject(stream_data=program)
    stream.compress()
    ref = writer.add_object(stream)
    cid_font._font_descriptor[pdf_name("/FontFile2")] = ref
    return ref


class CachingGlyphAccumulator(GlyphAccumulator):
    """``GlyphAccumulator`` that reuses the subset font program for a known glyph set."""

    font_path: str = ""

    def prepare_write(self) -> None:
        """Embed the font subset, from the cache when these glyphs were embedded before."""
        if self._write_prepared or not isinstance(self.cidfont_obj, CIDFontType2):
            super().prepare_write()
            return
        cid_font = self.cidfont_obj
        key = (self.font_path, frozenset(self._glyphs))
        cached = _SUBSETS.get(key)
        if cached is not None:
            self._subset_created = True  # skip fontTools subsetting entirely

            def from_cache(writer: Any) -> generic.IndirectObject:
                return _embed_program(cid_font, writer, cached)

            cid_font.set_font_file = from_cache  # type: ignore[method-assign]
        else:

            def capture(writer: Any) -> generic.IndirectObject:
                buf = io.BytesIO()
                cid_font.tt_font.save(buf)
                program = buf.getvalue()
                if len(_SUBSETS) < _MAX_SUBSETS:
                    _SUBSETS[key] = program
                return _embed_program(cid_font, writer, program)

            cid_font.set_font_file = capture  # type: ignore[method-assign]
        super().prepare_write()


@dataclass(frozen=True)
class CachingGlyphAccumulatorFactory(GlyphAccumulatorFactory):
    """Factory for :class:`CachingGlyphAccumulator`; the font file is read once per process."""

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        """Create an accumulator for one document's stamp."""
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        engine = CachingGlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_font_bytes(self.font_file)),
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )
        engine.font_path = self.font_file
        return engine
