"""The code that depends on pyHanko internals still applies to the installed pyHanko."""

from __future__ import annotations

import asyncio
import io

import pytest
from fontTools import ttLib
from pyhanko.sign.attributes import SigningCertificateV2Provider
from pyhanko.sign.signers.pdf_cms import CAdESSignedAttributeProviderSpec, PdfCMSSignedAttributes

from signing import pyhanko_compat
from signing.pades import SigningOptions, sign_pdf
from signing.signed_attributes import CachedSigningCertificateV2Provider, PadesSignedAttributes
from signing.stamp import find_stamp_font
from tests.fixtures.signing import SchoolPki


def test_install_accepts_the_installed_pyhanko_and_refuses_another_version() -> None:
    pyhanko_compat.install()
    with pytest.raises(pyhanko_compat.UnsupportedPyHanko, match=r"pyHanko 0\.99\.0"):
        pyhanko_compat.check_version("0.99.0")


def _attributes(providers: object) -> list[bytes]:
    async def collect() -> list[bytes]:
        return [(await p.get_attribute()).dump() for p in providers]  # type: ignore[attr-defined]

    return asyncio.run(collect())


def test_pades_signed_attributes_equal_pyhankos_own_for_pades(test_pki: SchoolPki) -> None:
    """GIVEN the director's certificate THEN our provider spec gives pyHanko's PAdES attributes."""
    cert = test_pki.cert("director")
    theirs = CAdESSignedAttributeProviderSpec(
        attr_settings=PdfCMSSignedAttributes(), signing_cert=cert, is_pades=True, timestamper=None
    ).signed_attr_providers(b"\0" * 32, "sha256")
    ours = list(PadesSignedAttributes(cert).signed_attr_providers(b"\0" * 32, "sha256"))
    assert [type(p) for p in ours] == [CachedSigningCertificateV2Provider]
    assert _attributes(ours) == _attributes(theirs)
    assert isinstance(ours[0], SigningCertificateV2Provider)


def test_a_signature_uses_the_cached_attribute_spec(
    two_page_pdf: bytes, test_pki: SchoolPki
) -> None:
    signer = test_pki.signer("director")
    signer.signed_attr_prov_spec = None
    sign_pdf(two_page_pdf, signer, SigningOptions())
    assert isinstance(signer.signed_attr_prov_spec, PadesSignedAttributes)


def test_stamp_font_engine_embeds_a_cached_subset_program(two_page_pdf: bytes) -> None:
    """GIVEN two documents WHEN each gets a stamp font engine THEN both embed one subset program."""
    factory = pyhanko_compat.CachingGlyphAccumulatorFactory(str(find_stamp_font()), font_size=8)
    programs = []
    for _ in range(2):
        writer = pyhanko_compat.ReproducibleIncrementalWriter(two_page_pdf)
        engine = factory.create_font_engine(writer)
        assert isinstance(engine, pyhanko_compat.CachingGlyphAccumulator)
        engine.shape("ДОКУМЕНТ ПОДПИСАН")
        engine.prepare_write()
        writer.write(io.BytesIO())
        programs.append(engine.cidfont_obj._font_descriptor["/FontFile2"].data)
    assert programs[0] == programs[1]
    font = ttLib.TTFont(io.BytesIO(programs[0]))
    glyph = font.getBestCmap().get(ord("Д")) if "cmap" in font else None
    names = font.getGlyphOrder()
    drawn = [n for n in names if font["glyf"][n].numberOfContours != 0]
    assert 10 <= len(drawn) <= 20, "a subset of the stamp text's glyphs, not the whole font"
    assert glyph is None or glyph in drawn


def test_reproducible_writer_keeps_metadata_and_gives_the_same_bytes(
    two_page_pdf: bytes,
) -> None:
    """GIVEN one PDF WHEN updated twice THEN the bytes are equal and Info/XMP are not rewritten."""
    outputs = []
    for _ in range(2):
        writer = pyhanko_compat.ReproducibleIncrementalWriter(two_page_pdf)
        writer.root["/VedomostTest"] = writer.root.get("/Type")
        writer.update_root()
        out = io.BytesIO()
        writer.write(out)
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
    update = outputs[0][len(two_page_pdf) :]
    assert b"/ModDate" not in update and b"/Producer" not in update and b"xmpmeta" not in update
