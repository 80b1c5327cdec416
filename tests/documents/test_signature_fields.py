"""Empty signature fields written by WeasyPrint's finisher: the same field dictionaries pyHanko's
``append_signature_field`` writes, found empty by pyHanko, and rendering never imports pyHanko."""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import sys

import pydyf
import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import SigFieldSpec, append_signature_field, enumerate_sig_fields

from service.documents.kinds import build, get_kind
from service.documents.render import render_pdf_bytes
from service.documents.signature_fields import SIG_FLAGS, WIDGET_FLAGS, add_signature_fields
from tests.documents.factories import tiny_school

KINDS = {
    # one field: the form is created with it
    "journal-printout": {"class": "5А", "subject": "math", "period": "Q1"},
    # two fields on one form
    "period-summary": {"class": "5А", "period": "Q1"},
}


@pytest.fixture(scope="module", params=list(KINDS))
def rendered(request):
    """(pdf with fields, the same document rendered without fields, field names)."""
    kind = request.param
    data = build(tiny_school(), kind, KINDS[kind])
    spec = get_kind(kind)
    pdf, _, names = render_pdf_bytes(
        data, spec.template, spec.context(data) if spec.context else None
    )
    bare = dataclasses.replace(data, meta=dataclasses.replace(data.meta, signatures=()))
    plain, _, none = render_pdf_bytes(
        bare, spec.template, spec.context(bare) if spec.context else None
    )
    assert names == data.meta.signatures and none == ()
    return pdf, plain, names


def _fields(pdf: bytes) -> dict[str, tuple[int, object]]:
    """Signature field name → (page index, field dictionary)."""
    reader = PdfFileReader(io.BytesIO(pdf))
    pages = [ref.idnum for ref in _page_refs(reader)]
    result = {}
    for ref in reader.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        result[str(field["/T"])] = (pages.index(field.raw_get("/P").idnum), field, reader)
    return result


def _page_refs(reader: PdfFileReader):
    count = int(reader.root["/Pages"]["/Count"])
    return [reader.find_page_for_modification(i)[0] for i in range(count)]


def test_fields_as_pyhanko_writes_them(rendered):
    pdf, plain, names = rendered
    assert b"/AcroForm" not in plain
    ours = _fields(pdf)
    assert list(ours) == list(names)

    writer = IncrementalPdfFileWriter(io.BytesIO(plain), strict=False)
    for name in names:
        page, field, _ = ours[name]
        box = tuple(float(v) for v in field["/Rect"])
        spec = SigFieldSpec(sig_field_name=name, on_page=page, box=box, empty_field_appearance=True)
        append_signature_field(writer, spec)
    out = io.BytesIO()
    writer.write(out)
    theirs = _fields(out.getvalue())

    ours_form = PdfFileReader(io.BytesIO(pdf)).root["/AcroForm"]
    theirs_form = PdfFileReader(io.BytesIO(out.getvalue())).root["/AcroForm"]
    assert ours_form["/SigFlags"] == theirs_form["/SigFlags"] == SIG_FLAGS
    for name in names:
        (our_page, our, _), (their_page, their, _) = ours[name], theirs[name]
        assert our_page == their_page
        assert (
            set(our) == set(their) == {"/FT", "/T", "/Type", "/Subtype", "/F", "/Rect", "/P", "/AP"}
        )
        for key in ("/FT", "/T", "/Type", "/Subtype", "/F", "/Rect"):
            assert our[key] == their[key], key
        assert our["/F"] == WIDGET_FLAGS == 4 | 128  # Print + Locked
        our_ap, their_ap = our["/AP"]["/N"], their["/AP"]["/N"]
        assert our_ap.data == their_ap.data
        assert b"0.95 0.95 0.95 rg" in our_ap.data
        assert our_ap["/Subtype"] == their_ap["/Subtype"] == "/Form"
        # the whole field; pyHanko rounds its box down to whole points and clips the border
        x1, y1, x2, y2 = (float(v) for v in our["/Rect"])
        assert [float(v) for v in our_ap["/BBox"]] == pytest.approx([0, 0, x2 - x1, y2 - y1])
        assert [float(v) for v in their_ap["/BBox"]] == [0, int(y2 - y1), int(x2 - x1), 0]


def test_fields_are_on_their_pages_and_empty(rendered):
    pdf, _, names = rendered
    reader = PdfFileReader(io.BytesIO(pdf))
    pages = _page_refs(reader)
    for name, (page, field, _) in _fields(pdf).items():
        annots = pages[page].get_object()["/Annots"]
        assert any(a.get_object() is field or a.get_object() == field for a in annots), name
    found = [(str(n), value) for n, value, _ in enumerate_sig_fields(reader)]
    assert found == [(n, None) for n in names]


def test_bad_placements_are_refused():
    pdf = pydyf.PDF()
    page = pydyf.Dictionary({"Type": "/Page"})
    pdf.add_page(page)
    for placements in (
        [("a.b", 0, (10, 10, 50, 30))],
        [("a", 0, (10, 10, 50, 30)), ("a", 0, (60, 10, 90, 30))],
        [("a", 0, (10, 10, 10, 30))],
        [("a", 1, (10, 10, 50, 30))],
    ):
        with pytest.raises(ValueError):
            add_signature_fields(pdf, placements)


def test_rendering_does_not_import_pyhanko():
    code = (
        "import sys, service.documents.render, service.documents.kinds\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('pyhanko', 'aiohttp'))\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=os.environ, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_pyhanko_signs_into_the_rendered_fields(rendered, test_pki, tmp_path):
    """GIVEN a rendered document WHEN each reserved field is signed with a visible stamp
    THEN pyHanko's validation and poppler's pdfsig accept every signature."""
    from signing.pades import SigningOptions, sign_pdf
    from signing.validate import validate
    from tests.signing.helpers import pdfsig

    pdf, _, names = rendered
    signed = pdf
    for name in names:
        signer = test_pki.signer("director" if name == "director" else "teacher")
        signed = sign_pdf(signed, signer, SigningOptions(field_name=name, stamp=True))
    report = validate(signed, [test_pki.root])
    assert report.valid, report.to_text()
    assert [s.field_name for s in report.signatures] == list(names)
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    assert pdfsig(path).count("Signature is Valid") == len(names)
    reader = PdfFileReader(io.BytesIO(signed))
    assert [value is not None for _, value, _ in enumerate_sig_fields(reader)] == [True] * len(
        names
    )
