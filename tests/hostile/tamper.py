"""Tampered signed PDFs made from a good one: the container, its certificates, later revisions."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def _contents_span(pdf: bytes) -> tuple[int, int]:
    """Offsets of the hex digits of the last signature's /Contents (between < and >)."""
    *_, match = _BYTE_RANGE.finditer(pdf)
    _, first_len, second_start, _ = (int(g) for g in match.groups())
    return first_len + 1, second_start - 1


def container(pdf: bytes) -> bytes:
    """The DER of the last signature's CMS container (trailing zero padding left out)."""
    start, end = _contents_span(pdf)
    der = bytes.fromhex(pdf[start:end].decode())
    return cms.ContentInfo.load(der).dump()


def with_container(pdf: bytes, der: bytes) -> bytes:
    """``pdf`` with the last signature's container replaced by ``der`` (zero-padded in place)."""
    start, end = _contents_span(pdf)
    digits = der.hex().encode()
    assert len(digits) <= end - start, "the new container does not fit"
    return pdf[:start] + digits + b"0" * (end - start - len(digits)) + pdf[end:]


def _edit_signed_data(pdf: bytes, edit: Callable[[cms.SignedData], None]) -> bytes:
    info = cms.ContentInfo.load(container(pdf))
    signed = info["content"]
    edit(signed)
    return with_container(
        pdf, cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump(force=True)
    )


def swap_certificate(pdf: bytes, other: asn1_x509.Certificate, *, with_sid: bool) -> bytes:
    """Replace the signer's certificate by ``other``; ``with_sid``: the signer id too."""

    def edit(signed: cms.SignedData) -> None:
        sid = signed["signer_infos"][0]["sid"].chosen
        certs = list(signed["certificates"])
        for i, choice in enumerate(certs):
            cert = choice.chosen
            if (cert.issuer, cert.serial_number) == (sid["issuer"], sid["serial_number"].native):
                certs[i] = cms.CertificateChoices(name="certificate", value=other)
        signed["certificates"] = cms.CertificateSet(certs)
        if with_sid:
            signer = signed["signer_infos"][0]
            signer["sid"] = cms.SignerIdentifier(
                name="issuer_and_serial_number",
                value=cms.IssuerAndSerialNumber(
                    {"issuer": other.issuer, "serial_number": other.serial_number}
                ),
            )

    return _edit_signed_data(pdf, edit)


def drop_certificates(pdf: bytes) -> bytes:
    """Remove every certificate from the container."""

    def edit(signed: cms.SignedData) -> None:
        signed["certificates"] = cms.CertificateSet([])

    return _edit_signed_data(pdf, edit)


def flip_signature_value(pdf: bytes) -> bytes:
    """Change one byte of the signature value itself."""

    def edit(signed: cms.SignedData) -> None:
        signer = signed["signer_infos"][0]
        value = bytearray(signer["signature"].native)
        value[10] ^= 0xFF
        signer["signature"] = bytes(value)

    return _edit_signed_data(pdf, edit)


def incremental(pdf: bytes, change: Callable[[object], None]) -> bytes:
    """An incremental update after signing made by ``change(writer)``."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def change_document_id(pdf: bytes) -> bytes:
    """Rewrite the XMP packet with another xmpMM:DocumentID."""
    from pyhanko.pdf_utils import generic

    def change(writer: object) -> None:
        # pyHanko regenerates the XMP packet on write; a forger writes their own instead
        writer._update_meta = lambda: None  # type: ignore[attr-defined]
        root = writer.root  # type: ignore[attr-defined]
        meta_ref = root.raw_get("/Metadata")
        stream = meta_ref.get_object()
        data = stream.data
        if b"DocumentID" in data:
            data = re.sub(rb"(DocumentID[>=\"']+)[^<\"']*", rb"\1uuid:forged-0000", data, count=1)
        else:
            data = data.replace(
                b"</rdf:RDF>",
                b'<rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">'
                b"<xmpMM:DocumentID>uuid:forged-0000</xmpMM:DocumentID></rdf:Description></rdf:RDF>",
            )
        new = generic.StreamObject(
            {"/Type": generic.NameObject("/Metadata"), "/Subtype": generic.NameObject("/XML")},
            stream_data=data,
        )
        root["/Metadata"] = writer.add_object(new)  # type: ignore[attr-defined]
        writer.update_root()  # type: ignore[attr-defined]

    return incremental(pdf, change)


def change_page_content(pdf: bytes) -> bytes:
    """Append drawing to the first page after signing."""

    def change(writer: object) -> None:
        from pyhanko.pdf_utils import generic

        stream = generic.StreamObject(stream_data=b"q 1 0 0 rg 50 50 200 200 re f Q")
        writer.add_stream_to_page(0, writer.add_object(stream))  # type: ignore[attr-defined]

    return incremental(pdf, change)
