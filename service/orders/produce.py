"""Make a document of a template kind: context → number from the register → DOCX → PDF/A-3b.

Contract: inputs are a snapshot, the kind, parameters and who asks; output is a
:class:`MadeDocument` with the DOCX and (unless conversion is off) the finished PDF/A with its
empty signature fields. The register line and the :class:`IssuedDocument` row are written in the
same transaction as the DOCX rendering, so a template error consumes no number; conversion runs
after the commit (it may take seconds) and its failure leaves the DOCX and the number in place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction

from service.documents.meta import DocumentMeta
from service.journal.snapshot import Snapshot
from service.orders.context import ContextRequest, build_context, order_meta
from service.orders.convert import Converter, default_converter
from service.orders.kind import OrderKind
from service.orders.kinds import get_kind
from service.orders.models import IssuedDocument
from service.orders.numbering import issue_number
from service.orders.pdfa import finish_pdf
from service.orders.render import render_docx
from service.orders.versions import active_template


@dataclass(frozen=True)
class OrderRequest:
    """What to make: kind name, parameters (strings), date, the user, whether to convert."""

    kind: str
    params: Mapping[str, str] = field(default_factory=dict)
    date: dt.date | None = None
    user: str = ""
    convert: bool = True


@dataclass(frozen=True)
class MadeDocument:
    """A made document: its requisites, the archive kind, the DOCX and the PDF/A."""

    meta: DocumentMeta
    archive_kind: str
    docx: bytes
    pdf: bytes | None

    @property
    def document_id(self) -> str:
        """The document's stable id."""
        return self.meta.document_id

    @property
    def kind(self) -> str:
        """The order kind's id (``intro-journal``)."""
        return self.meta.kind

    @property
    def title(self) -> str:
        """The title in lists and the register."""
        return self.meta.title

    @property
    def number(self) -> str:
        """The register number, or an empty string."""
        return self.meta.number

    @property
    def date(self) -> dt.date:
        """The document's date."""
        return self.meta.issued_on

    @property
    def template_label(self) -> str:
        """The template version that made it."""
        return self.meta.template_version

    @property
    def signatures(self) -> tuple[str, ...]:
        """The empty signature fields of the PDF."""
        return self.meta.signatures

    @property
    def file_stem(self) -> str:
        """A file name without personal data: kind, number, date."""
        number = "".join(c if c.isalnum() else "-" for c in self.number) or "б-н"
        return f"{self.kind}_{number}_{self.date.isoformat()}"


def new_document_id(kind: OrderKind, snapshot: Snapshot) -> str:
    """A new stable document id: archive kind, school year start, random part (ids only)."""
    return f"{kind.retention}-{snapshot.year.start.year}-{uuid.uuid4().hex[:12]}"


def preview_docx(snapshot: Snapshot, request: OrderRequest) -> bytes:
    """The DOCX as it would be made, without a number: nothing is written, no number is taken.

    Raises:
        ParamError: a parameter cannot be used (the message is in Russian).
    """
    kind = get_kind(request.kind)
    template = active_template(snapshot.school.id, kind)
    day = request.date or dt.date.today()
    meta = order_meta(snapshot, kind, "предпросмотр", day, template_version=template.label)
    return render_docx(
        template.content, build_context(ContextRequest(kind, snapshot, meta, request.params))
    )


def make_document(
    snapshot: Snapshot, request: OrderRequest, converter: Converter | None = None
) -> MadeDocument:
    """Make one document; see the module docstring for the contract."""
    kind = get_kind(request.kind)
    school_id = snapshot.school.id
    day = request.date or dt.date.today()
    template = active_template(school_id, kind)
    document_id = new_document_id(kind, snapshot)
    # Build the context once without a number: parameter errors stop here, before a number is taken.
    draft = order_meta(snapshot, kind, document_id, day)
    build_context(ContextRequest(kind, snapshot, draft, request.params))
    with transaction.atomic():
        issued = IssuedDocument.objects.create(
            document_id=document_id,
            school_id=school_id,
            year_id=snapshot.year.id,
            kind=kind.id,
            archive_kind=kind.retention,
            title=kind.full_title[:300],
            date=day,
            template_version=template.version,
            template_label=template.label,
            params=dict(request.params),
            issued_by=request.user,
        )
        number = request.params.get("number", "")
        if kind.register is not None:
            number = issue_number(
                school_id,
                snapshot.year.id,
                kind.register,
                date=day,
                title=kind.title,
                kind=kind.id,
                issued_by=request.user,
                document=issued,
            ).number
        meta = dataclasses.replace(draft, number=number, template_version=template.label)
        docx = render_docx(
            template.content, build_context(ContextRequest(kind, snapshot, meta, request.params))
        )
        issued.number = number
        issued.docx_sha256 = hashlib.sha256(docx).hexdigest()
        issued.save(update_fields=["number", "docx_sha256"])
    pdf = None
    if request.convert:
        pdf = docx_to_pdf(docx, document_id, meta.title, kind.signers, converter)
        IssuedDocument.objects.filter(pk=issued.pk).update(
            pdf_sha256=hashlib.sha256(pdf).hexdigest()
        )
    return MadeDocument(meta, kind.retention, docx, pdf)


def docx_to_pdf(
    docx: bytes,
    document_id: str,
    title: str,
    signatures: tuple[str, ...],
    converter: Converter | None = None,
) -> bytes:
    """Convert to PDF/A-3b and finish it (XMP id and title, empty signature fields)."""
    raw = (converter or default_converter()).docx_to_pdfa(docx)
    return finish_pdf(raw, document_id, title, signatures)
