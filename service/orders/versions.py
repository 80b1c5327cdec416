"""Template versions: the bundled templates, uploads (checked, sandboxed) and the active version.

An upload is stored as a new version only after :func:`service.orders.render.check_template`
accepted it (all variables known for the kind, a trial render with the 1,000-student sample school
of :mod:`service.orders.trial_context` in a child under CPU, memory and wall-time limits); older
versions stay in the catalog and documents keep a reference to the version that made them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

from django.db import IntegrityError, transaction
from django.db.models import Max

from service.orders.kind import OrderKind
from service.orders.kinds import get_kind
from service.orders.models import TemplateVersion
from service.orders.render import check_template
from service.orders.trial_context import trial_context

TEMPLATES = resources.files("service.orders.templates")
"""The bundled templates: package data, so an installed wheel finds them too."""


@dataclass(frozen=True)
class ActiveTemplate:
    """The template a document is made from: its bytes, a label, and the catalog row if uploaded."""

    kind: OrderKind
    content: bytes
    label: str
    version: TemplateVersion | None


def bundled(kind: OrderKind) -> ActiveTemplate:
    """The template shipped with the package (``service/orders/templates/``)."""
    content = (TEMPLATES / kind.template).read_bytes()
    digest = hashlib.sha256(content).hexdigest()[:8]
    return ActiveTemplate(kind, content, f"{kind.id} (встроенный, {digest})", None)


def active_template(school_id: str, kind: OrderKind) -> ActiveTemplate:
    """The newest uploaded version for the school, or the bundled template."""
    row = (
        TemplateVersion.objects.filter(school_id=school_id, kind=kind.id)
        .order_by("-version")
        .first()
    )
    if row is None:
        return bundled(kind)
    return ActiveTemplate(kind, bytes(row.content), row.label, row)


def sample_context(kind: OrderKind) -> dict[str, object]:
    """The context of the big sample school for ``kind`` (built once, then cached)."""
    return trial_context(kind)


def check_upload(kind_name: str, content: bytes) -> bytes:
    """Check a template for upload; return its sample rendering or raise TemplateRejected."""
    kind = get_kind(kind_name)
    return check_template(kind, content, sample_context(kind))


def upload(
    school_id: str, kind_name: str, content: bytes, *, user: str = "", comment: str = ""
) -> TemplateVersion:
    """Check and store a new version of a school's template; return the catalog row."""
    check_upload(kind_name, content)
    digest = hashlib.sha256(content).hexdigest()
    for _ in range(5):
        try:
            with transaction.atomic():
                last = (
                    TemplateVersion.objects.filter(school_id=school_id, kind=kind_name).aggregate(
                        m=Max("version")
                    )["m"]
                    or 0
                )
                return TemplateVersion.objects.create(
                    school_id=school_id,
                    kind=kind_name,
                    version=last + 1,
                    content=content,
                    sha256=digest,
                    uploaded_by=user,
                    comment=comment[:500],
                )
        except IntegrityError:
            continue
    raise IntegrityError("template version race")


def versions(school_id: str, kind_name: str | None = None) -> list[TemplateVersion]:
    """Uploaded versions, newest first."""
    qs = TemplateVersion.objects.filter(school_id=school_id).defer("content")
    if kind_name:
        qs = qs.filter(kind=kind_name)
    return list(qs.order_by("kind", "-version"))
