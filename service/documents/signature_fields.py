"""Empty signature fields written with pyHanko's PDF layer only.

pyHanko's ``append_signature_field`` lives in ``pyhanko.sign.fields``, and importing it loads all of
``pyhanko.sign`` (signers, timestamp clients, aiohttp): about half a second of CPU in every
process that renders a document, for a dozen PDF objects. :func:`append_empty_signature_field`
writes the same objects with the same writer calls in the same order, so the bytes are identical
to pyHanko's (a test compares them) and pyHanko signs into the field as into its own:

- a signature field merged with its widget annotation (``/FT /Sig``, ``/T``, ``/Type /Annot``,
  ``/Subtype /Widget``, ``/F`` = print + locked, ``/Rect``, ``/P``), appended to the page's
  ``/Annots`` and to the catalog's ``/AcroForm /Fields`` (the form is created if absent);
- ``/SigFlags 1`` on the form (signatures exist, the document is not append-only);
- a normal appearance ``/AP /N``: a light grey box with a thin border, as pyHanko draws with
  ``empty_field_appearance=True``.
"""

from __future__ import annotations

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints

#: Annotation flags pyHanko gives a visible signature widget: Print (bit 3) and Locked (bit 8).
WIDGET_FLAGS = 0b1000_0100
#: ``/SigFlags`` SignaturesExist, without AppendOnly, as pyHanko sets it for an unsigned field.
SIG_FLAGS = 1


class SignatureFieldExists(ValueError):
    """The document already has a top-level form field of that name."""


def append_empty_signature_field(
    writer: IncrementalPdfFileWriter,
    name: str,
    page: int,
    box: tuple[float, float, float, float],
) -> None:
    """Add an empty, printable signature field with a grey box appearance.

    Args:
        writer: The incremental update that receives the new objects.
        name: The field's partial name (``/T``); no dots.
        page: Index of the page the widget sits on.
        box: ``(llx, lly, urx, ury)`` in PDF points; must have a width and a height.

    Raises:
        SignatureFieldExists: A top-level field named ``name`` is already in the form.
        ValueError: ``name`` has a dot or ``box`` is empty.
    """
    if "." in name:
        raise ValueError(f"signature field name {name!r} must not contain a dot")
    llx, lly, urx, ury = box
    width, height = abs(urx - llx), abs(ury - lly)
    if not (width and height):
        raise ValueError(f"signature field {name!r} has an empty box {box!r}")

    page_ref = writer.find_page_for_modification(page)[0]
    root = writer.root
    form_created = "/AcroForm" not in root
    if form_created:
        form = generic.DictionaryObject()
        root[pdf_name("/AcroForm")] = writer.add_object(form)
        fields = generic.ArrayObject()
        form[pdf_name("/Fields")] = fields
        writer.update_root()
    else:
        form = root["/AcroForm"]
        if "/Fields" not in form:
            form[pdf_name("/Fields")] = generic.ArrayObject()
        fields = form["/Fields"]
        if any(ref.get_object().get("/T") == name for ref in fields):
            raise SignatureFieldExists(f"signature field {name!r} already exists")

    field = generic.DictionaryObject(
        {
            pdf_name("/FT"): pdf_name("/Sig"),
            pdf_name("/T"): pdf_string(name),
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/F"): generic.NumberObject(WIDGET_FLAGS),
            pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(round(v, 4)) for v in box]),
            pdf_name("/P"): page_ref,
        }
    )
    field_ref = writer.add_object(field)
    fields.append(field_ref)
    writer.update_container(fields)
    writer.register_annotation(page_ref, field_ref)
    if not form_created:
        writer.update_container(fields)
    form.setdefault(pdf_name("/SigFlags"), generic.NumberObject(SIG_FLAGS))

    commands = b" ".join(
        [
            b"q",
            b"q 0.95 0.95 0.95 rg 0 0 %g %g re f Q" % (width, height),
            b"0.5 w 0 0 %g %g re S" % (width, height),
            b"Q",
        ]
    )
    appearance = RawContent(
        commands, box=BoxConstraints(width=width, height=height)
    ).as_form_xobject()
    field[pdf_name("/AP")] = generic.DictionaryObject(
        {pdf_name("/N"): writer.add_object(appearance)}
    )
