"""Make a document of a template kind: context → number from the register → DOCX → PDF/A-3b.

Contract: inputs are a snapshot, the kind, parameters and who asks; output is a
:class:`MadeDocument` with the DOCX and (unless conversion is off) the finished PDF/A with its
empty signature fields.

The DOCX is rendered before anything is written and with no catalog transaction open: an
uploaded template runs in a child process under CPU, memory and wall-time limits
(:func:`service.orders.render.render_with_time_limit`), and a render may take seconds that no
other writer of the catalog should wait for. It is rendered with the number the register would
give next (:func:`~service.orders.numbering.next_number`); a short transaction then writes the
:class:`IssuedDocument` row and takes the number. If another document took that number
meanwhile, the transaction is rolled back and the document rendered again with the new one. So a
template that fails or hits a limit consumes no number and leaves no row: a register never shows
a numbered order that does not exist. Conversion runs after the commit (it may take seconds) and
its failure leaves the DOCX and the number in place.
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
from service.errors import UserError
from service.journal.snapshot import Snapshot
from service.orders.context import ContextRequest, build_context, order_meta
from service.orders.convert import Converter, default_converter
from service.orders.kind import OrderKind
from service.orders.kinds import get_kind
from service.orders.models import IssuedDocument
from service.orders.numbering import NumberingError, issue_number, next_number
from service.orders.pdfa import finish_pdf
from service.orders.render import RENDER_TIME_LIMIT, render_docx, render_with_time_limit
from service.orders.sandbox import TemplateRejected
from service.orders.versions import ActiveTemplate, active_template
from service.policy import school_policy

MAX_NUMBER_RACES = 5
"""Renders with a number another document took first before giving up."""


class TemplateRenderFailed(UserError):
    """An uploaded template failed on real data; the Russian message names the template version."""


class _NumberTaken(Exception):
    """Another document took the number the DOCX was rendered with; roll back and render again."""


@dataclass(frozen=True)
class OrderRequest:
    """What to make: kind name, parameters (strings), date, the user, whether to convert.

    ``title`` replaces the kind's heading in the lists and the register when one kind covers
    several cases (a refusal letter about either refusal).
    """

    kind: str
    params: Mapping[str, str] = field(default_factory=dict)
    date: dt.date | None = None
    user: str = ""
    convert: bool = True
    title: str = ""


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

    An uploaded template is rendered in the bounded child, as for a real document.

    Raises:
        ParamError: a parameter cannot be used (the message is in Russian).
        TemplateRenderFailed: an uploaded template failed or hit a limit.
    """
    kind = get_kind(request.kind)
    template = active_template(snapshot.school.id, kind)
    day = request.date or dt.date.today()
    meta = order_meta(snapshot, kind, "предпросмотр", day, template_version=template.label)
    return render_template(
        template,
        build_context(ContextRequest(kind, snapshot, meta, request.params, school_policy())),
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
    if request.title:
        prefix = "" if kind.register is not None else f"{kind.kind_title.capitalize()} "
        draft = dataclasses.replace(draft, title=prefix + request.title)
    build_context(ContextRequest(kind, snapshot, draft, request.params, school_policy()))
    for _ in range(MAX_NUMBER_RACES):
        number = request.params.get("number", "")
        if kind.register is not None:
            number = next_number(school_id, snapshot.year.id, kind.register, day)
        meta = dataclasses.replace(draft, number=number, template_version=template.label)
        docx = render_template(
            template,
            build_context(ContextRequest(kind, snapshot, meta, request.params, school_policy())),
        )
        try:
            issued = _record(snapshot, kind, request, template, meta, docx)
        except _NumberTaken:
            continue
        break
    else:
        raise NumberingError(
            f"номер приказа {MAX_NUMBER_RACES} раз подряд заняли другие документы, пока этот "
            "готовился; повторите"
        )
    pdf = None
    if request.convert:
        pdf = docx_to_pdf(docx, document_id, meta.title, kind.signers, converter)
        IssuedDocument.objects.filter(pk=issued.pk).update(
            pdf_sha256=hashlib.sha256(pdf).hexdigest()
        )
    return MadeDocument(meta, kind.retention, docx, pdf)


def render_template(template: ActiveTemplate, context: dict[str, object]) -> bytes:
    """The DOCX of ``template``: a bundled one in this process, an uploaded one in a bounded child.

    Raises:
        TemplateRenderFailed: an uploaded template failed or hit a limit, named by its version.
    """
    if template.version is None:
        return render_docx(template.content, context)
    try:
        return render_with_time_limit(template.content, context, RENDER_TIME_LIMIT)
    except TemplateRejected as exc:
        tag = f"\n  тег: {exc.tag}" if exc.tag else ""
        raise TemplateRenderFailed(
            f"шаблон «{template.kind.full_title}», версия {template.version.version}: "
            f"{exc.message}{tag}"
        ) from None


def _record(
    snapshot: Snapshot,
    kind: OrderKind,
    request: OrderRequest,
    template: ActiveTemplate,
    meta: DocumentMeta,
    docx: bytes,
) -> IssuedDocument:
    """Write the document's row and take its register number in one short transaction."""
    with transaction.atomic():
        issued = IssuedDocument.objects.create(
            document_id=meta.document_id,
            school_id=snapshot.school.id,
            year_id=snapshot.year.id,
            kind=kind.id,
            archive_kind=kind.retention,
            title=meta.title[:300],
            date=meta.issued_on,
            template_version=template.version,
            template_label=template.label,
            params=dict(request.params),
            issued_by=request.user,
            number=meta.number,
            docx_sha256=hashlib.sha256(docx).hexdigest(),
        )
        if kind.register is not None:
            taken = issue_number(
                snapshot.school.id,
                snapshot.year.id,
                kind.register,
                date=meta.issued_on,
                title=request.title or kind.title,
                kind=kind.id,
                issued_by=request.user,
                document=issued,
            ).number
            if taken != meta.number:
                raise _NumberTaken
    return issued


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
