"""The document kinds: one module per kind, each declaring one `Kind` descriptor.

This package is the registry: titles, labels, parameters, retention classes and the period-end
plan are read from the descriptors collected here, and the functions below build and render a
document of any kind by its id.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from service.documents.common import DocumentProblem
from service.documents.kind import Kind, Params
from service.documents.kinds import (
    control_report,
    honours_list,
    journal_printout,
    medal_sheet,
    parent_statement,
    period_summary,
    substitution_log,
    year_statement,
)
from service.journal.snapshot import Snapshot

if TYPE_CHECKING:
    from service.documents.render import RenderedDocument
    from service.policy import SchoolPolicy

MODULES = (
    journal_printout,
    period_summary,
    year_statement,
    medal_sheet,
    honours_list,
    substitution_log,
    parent_statement,
    control_report,
)
"""Kind modules in print order: a period-end set lists each class's documents in this order."""

KINDS: Mapping[str, Kind] = MappingProxyType({m.KIND.id: m.KIND for m in MODULES})


def get_kind(kind_id: str) -> Kind:
    """The kind called ``kind_id`` or a :class:`DocumentProblem` listing the known ones."""
    kind = KINDS.get(kind_id)
    if kind is None:
        raise DocumentProblem(f"неизвестный вид документа «{kind_id}»; есть: {', '.join(KINDS)}")
    return kind


def label(kind_id: str) -> str:
    """The short Russian label of a kind for lists; an unknown id is shown as it is."""
    kind = KINDS.get(kind_id)
    return kind.label if kind else kind_id


def labels() -> dict[str, str]:
    """Every kind's short label, by id."""
    return {k.id: k.label for k in KINDS.values()}


def build(
    snapshot: Snapshot, kind_id: str, params: Params, policy: SchoolPolicy | None = None
) -> Any:
    """Build the data of one document of ``kind_id`` (with the configured policy by default)."""
    kind = get_kind(kind_id)
    missing = [p for p in kind.required if not params.get(p)]
    if missing:
        raise DocumentProblem(
            f"для «{kind.id}» нужно указать: " + ", ".join(f"--{m}" for m in missing)
        )
    if policy is None:
        from service.policy import school_policy

        policy = school_policy()
    return kind.build(snapshot, params, policy)


def render_data(data: Any, out: Path) -> RenderedDocument:
    """Render already built data of any kind to ``out``."""
    from service.documents.render import render_document  # WeasyPrint: slow to import

    kind = get_kind(data.meta.kind)
    return render_document(data, kind.template, out, kind.context(data) if kind.context else None)


def render_kind(
    snapshot: Snapshot,
    kind_id: str,
    params: Params,
    out: Path,
    policy: SchoolPolicy | None = None,
) -> RenderedDocument:
    """Build and render one document."""
    return render_data(build(snapshot, kind_id, params, policy), out)
