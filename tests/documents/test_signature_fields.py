"""Empty signature fields written without ``pyhanko.sign``: the same bytes as pyHanko's own
``append_signature_field``, found empty by pyHanko, and the render path never imports the signer."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import SigFieldSpec, append_signature_field, enumerate_sig_fields

from service.documents.kinds import build, render_data
from service.documents.signature_fields import (
    SIG_FLAGS,
    WIDGET_FLAGS,
    SignatureFieldExists,
    append_empty_signature_field,
)
from signing import pyhanko_compat
from tests.documents.factories import tiny_school

KINDS = {
    # one field: the form is created with it
    "journal-printout": {"class": "5А", "subject": "math", "period": "Q1"},
    # two fields: the second one joins an existing form
    "period-summary": {"class": "5А", "period": "Q1"},
}


@pytest.fixture(scope="module", params=list(KINDS))
def printout(request, tmp_path_factory):
    """A rendered document: (pdf bytes, its signature field names)."""
    kind = request.param
    data = build(tiny_school(), kind, KINDS[kind])
    doc = render_data(data, tmp_path_factory.mktemp("sig") / f"{kind}.pdf")
    assert doc.signature_fields == data.meta.signatures
    return doc.path.read_bytes(), doc.signature_fields


def _first_revision(pdf: bytes) -> bytes:
    """The document as WeasyPrint wrote it, before the incremental update with the fields."""
    end = pdf.index(b"%%EOF") + len(b"%%EOF")
    return pdf[: end + 1] if pdf[end : end + 1] == b"\n" else pdf[:end]


def _placements(pdf: bytes, names):
    """(name, page index, rect) of each named field as rendered."""
    reader = PdfFileReader(io.BytesIO(pdf))
    pages = [
        reader.find_page_for_modification(i)[0].idnum
        for i in range(len(reader.root["/Pages"]["/Kids"]))
    ]
    found = {}
    for ref in reader.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        page = pages.index(field.raw_get("/P").idnum)
        found[str(field["/T"])] = (page, tuple(float(v) for v in field["/Rect"]))
    return [(name, *found[name]) for name in names]


def test_same_bytes_as_pyhanko_append_signature_field(printout):
    pdf, names = printout
    base = _first_revision(pdf)
    assert b"/AcroForm" not in base
    placements = _placements(pdf, names)

    ours = pyhanko_compat.ReproducibleIncrementalWriter(base)
    theirs = pyhanko_compat.ReproducibleIncrementalWriter(base)
    for name, page, box in placements:
        append_empty_signature_field(ours, name, page, box)
        append_signature_field(
            theirs,
            SigFieldSpec(sig_field_name=name, on_page=page, box=box, empty_field_appearance=True),
        )
    out_ours, out_theirs = io.BytesIO(), io.BytesIO()
    ours.write(out_ours)
    theirs.write(out_theirs)
    assert out_ours.getvalue() == out_theirs.getvalue()
    assert out_ours.getvalue() == pdf


def test_field_dictionary_and_appearance(printout):
    pdf, names = printout
    reader = PdfFileReader(io.BytesIO(pdf))
    form = reader.root["/AcroForm"]
    assert form["/SigFlags"] == SIG_FLAGS == 1
    assert [str(ref.get_object()["/T"]) for ref in form["/Fields"]] == list(names)
    for name, page, box in _placements(pdf, names):
        ref = next(r for r in form["/Fields"] if r.get_object()["/T"] == name)
        field = ref.get_object()
        assert set(field) == {"/FT", "/T", "/Type", "/Subtype", "/F", "/Rect", "/P", "/AP"}
        assert (
            field["/FT"] == "/Sig" and field["/Type"] == "/Annot" and field["/Subtype"] == "/Widget"
        )
        assert field["/F"] == WIDGET_FLAGS == 4 | 128  # Print + Locked
        page_obj = reader.find_page_for_modification(page)[0]
        assert field.raw_get("/P").idnum == page_obj.idnum
        assert ref.idnum in [a.idnum for a in page_obj.get_object()["/Annots"]]
        appearance = field["/AP"]["/N"]
        width, height = box[2] - box[0], box[3] - box[1]
        # pyHanko's BoxConstraints keeps whole points: the box as pyHanko has always written it
        assert [float(v) for v in appearance["/BBox"]] == [0, int(height), int(width), 0]
        assert b"0 0 %g %g re S" % (width, height) in appearance.data
        assert appearance["/Subtype"] == "/Form"
        assert b"0.95 0.95 0.95 rg" in appearance.data and b"re S" in appearance.data
    sig_fields = list(enumerate_sig_fields(reader))
    assert [(str(n), value) for n, value, _ in sig_fields] == [(n, None) for n in names]


def test_duplicate_name_and_empty_box_are_refused(printout):
    pdf, names = printout
    writer = pyhanko_compat.ReproducibleIncrementalWriter(pdf)
    with pytest.raises(SignatureFieldExists):
        append_empty_signature_field(writer, names[0], 0, (10, 10, 50, 30))
    with pytest.raises(ValueError):
        append_empty_signature_field(writer, "other", 0, (10, 10, 10, 30))
    with pytest.raises(ValueError):
        append_empty_signature_field(writer, "a.b", 0, (10, 10, 50, 30))


def test_rendering_does_not_import_the_signer():
    code = (
        "import sys, service.documents.render, service.documents.kinds\n"
        "loaded = sorted(m for m in sys.modules\n"
        "                if m.startswith('pyhanko.sign') or m == 'aiohttp')\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=os.environ, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
