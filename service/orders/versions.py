"""Template versions: the bundled templates, uploads (checked, sandboxed) and the active version.

An upload is stored as a new version only after :func:`service.orders.render.check_template`
accepted it (all variables known for the kind, a trial render with the sample school); older
versions stay in the catalog and documents keep a reference to the version that made them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max

from service.orders.context import ContextRequest, DocumentMeta, build_context
from service.orders.demo import sample_snapshot
from service.orders.kinds import TemplateKind, get_kind
from service.orders.models import TemplateVersion
from service.orders.render import check_template

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "orders"


@dataclass(frozen=True)
class ActiveTemplate:
    """The template a document is made from: its bytes, a label, and the catalog row if uploaded."""

    kind: TemplateKind
    content: bytes
    label: str
    version: TemplateVersion | None


def bundled(kind: TemplateKind) -> ActiveTemplate:
    """The template shipped in ``templates/orders/``."""
    content = (TEMPLATES_DIR / kind.file_name).read_bytes()
    digest = hashlib.sha256(content).hexdigest()[:8]
    return ActiveTemplate(kind, content, f"{kind.name} (встроенный, {digest})", None)


def active_template(school_id: str, kind: TemplateKind) -> ActiveTemplate:
    """The newest uploaded version for the school, or the bundled template."""
    row = (
        TemplateVersion.objects.filter(school_id=school_id, kind=kind.name)
        .order_by("-version")
        .first()
    )
    if row is None:
        return bundled(kind)
    return ActiveTemplate(kind, bytes(row.content), row.label, row)


def sample_params(kind: TemplateKind, snapshot: object) -> dict[str, str]:
    """Parameters that make the sample school render every part of a kind's template."""
    from service.journal.snapshot import Snapshot

    assert isinstance(snapshot, Snapshot)
    if kind.per_family:
        return {"class": snapshot.classes[0].name}
    if kind.name == "refusal-letter":
        return {"guardian": snapshot.guardians[0].id}
    return {}


def sample_context(kind: TemplateKind) -> dict[str, object]:
    """The context of the sample school for ``kind``."""
    snap = sample_snapshot()
    meta = DocumentMeta("sample-0000", snap.as_of, "1", "проверка")
    return build_context(ContextRequest(kind, snap, meta, sample_params(kind, snap)))


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


def today() -> dt.date:
    """Today's date (a seam for tests with pinned clocks)."""
    return dt.date.today()
