"""Empty signature fields, written by WeasyPrint together with the rest of the document.

Adding them afterwards with pyHanko's ``append_signature_field`` costs every rendering process
the import of all of ``pyhanko.sign`` (signers, timestamp clients, aiohttp) plus a parse and an
incremental update of the fresh PDF: about half a second of CPU for a dozen PDF objects.
:func:`signature_field_finisher` gives WeasyPrint's ``write_pdf(finisher=...)`` (its public hook
on the ``pydyf`` document just before it is written) the same objects pyHanko writes for
``SigFieldSpec(..., empty_field_appearance=True)``, so pyHanko signs into them as into its own:

- a signature field merged with its widget annotation (``/FT /Sig``, ``/T``, ``/Type /Annot``,
  ``/Subtype /Widget``, ``/F`` = Print + Locked, ``/Rect``, ``/P``), listed in the page's
  ``/Annots`` and in the catalog's ``/AcroForm /Fields`` (the form is created if absent);
- ``/SigFlags 1`` on the form (signatures exist, the document is not append-only yet);
- a normal appearance ``/AP /N``: the light grey box with a thin border pyHanko draws, with a
  bounding box of the whole field (pyHanko rounds it down to whole points and clips the border).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pydyf

#: Annotation flags pyHanko gives a visible signature widget: Print (bit 3) and Locked (bit 8).
WIDGET_FLAGS = 0b1000_0100
#: ``/SigFlags`` SignaturesExist, without AppendOnly, as pyHanko sets it for an unsigned field.
SIG_FLAGS = 1

#: (field name, page index, ``(llx, lly, urx, ury)`` in PDF points)
Placement = tuple[str, int, tuple[float, float, float, float]]


def appearance_commands(width: float, height: float) -> bytes:
    """The empty field's look, as pyHanko draws it: a light grey box with a thin border."""
    return b" ".join(
        [
            b"q",
            b"q 0.95 0.95 0.95 rg 0 0 %g %g re f Q" % (width, height),
            b"0.5 w 0 0 %g %g re S" % (width, height),
            b"Q",
        ]
    )


def add_signature_fields(pdf: pydyf.PDF, placements: Sequence[Placement]) -> None:
    """Add an empty, printable signature field per placement to a ``pydyf`` document.

    Raises:
        ValueError: a name has a dot or repeats, a box is empty, or a page index is out of range.
    """
    names = [name for name, _, _ in placements]
    if len(set(names)) != len(names) or any("." in name for name in names):
        raise ValueError(f"signature field names must be distinct, without dots: {names}")
    page_numbers = pdf.pages["Kids"][::3]
    form = pdf.catalog.get("AcroForm")
    if form is None:
        form = pdf.catalog["AcroForm"] = pydyf.Dictionary({"Fields": pydyf.Array()})
    form.setdefault("SigFlags", SIG_FLAGS)
    for name, page_index, box in placements:
        llx, lly, urx, ury = box
        width, height = abs(urx - llx), abs(ury - lly)
        if not (width and height):
            raise ValueError(f"signature field {name!r} has an empty box {box!r}")
        if not 0 <= page_index < len(page_numbers):
            raise ValueError(f"signature field {name!r}: no page {page_index}")
        page = pdf.objects[page_numbers[page_index]]
        appearance = pydyf.Stream(
            [appearance_commands(width, height)],
            {
                "Type": "/XObject",
                "Subtype": "/Form",
                "BBox": pydyf.Array([0, 0, width, height]),
                "Resources": pydyf.Dictionary(),
            },
        )
        pdf.add_object(appearance)
        field = pydyf.Dictionary(
            {
                "FT": "/Sig",
                "T": pydyf.String(name),
                "Type": "/Annot",
                "Subtype": "/Widget",
                "F": WIDGET_FLAGS,
                "Rect": pydyf.Array([float(v) for v in box]),
                "P": page.reference,
                "AP": pydyf.Dictionary({"N": appearance.reference}),
            }
        )
        pdf.add_object(field)
        page.setdefault("Annots", pydyf.Array()).append(field.reference)
        form["Fields"].append(field.reference)


def signature_field_finisher(placements: Sequence[Placement]) -> Callable[[Any, pydyf.PDF], None]:
    """A ``finisher`` for WeasyPrint's ``write_pdf`` that adds the fields of ``placements``."""

    def finish(_document: Any, pdf: pydyf.PDF) -> None:
        add_signature_fields(pdf, placements)

    return finish
