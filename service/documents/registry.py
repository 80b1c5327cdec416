"""The document kinds of issue 3: their parameters, builder and template (`vedomost kinds`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.documents.common import DocumentProblem
from service.documents.control import REPORTS, build_control_report
from service.documents.layout import printout_context, year_context
from service.documents.medal import build_medal_sheet
from service.documents.parent_statement import build_parent_statement
from service.documents.payroll import read_payroll
from service.documents.printout import build_printout
from service.documents.substitutions import build_substitution_log
from service.documents.summary import build_summary
from service.documents.year_statement import build_year_statement
from service.journal.snapshot import Snapshot

if TYPE_CHECKING:  # WeasyPrint and pyHanko load only when a document is rendered
    from service.documents.render import RenderedDocument

Params = Mapping[str, str | None]


@dataclass(frozen=True, slots=True)
class Kind:
    """A document kind: its name, Russian title, parameters (required, optional) and builder."""

    name: str
    title: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    template: str
    build: Callable[[Snapshot, Params], Any]
    context: Callable[[Any], dict[str, object]] | None = None


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise DocumentProblem(f"дата --{name} должна быть в виде ГГГГ-ММ-ДД") from exc


def _substitutions(snapshot: Snapshot, p: Params) -> Any:
    payroll_path = p.get("payroll")
    payroll = read_payroll(Path(payroll_path)) if payroll_path else None
    return build_substitution_log(
        snapshot, p.get("month"), payroll, Path(payroll_path).name if payroll_path else ""
    )


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "journal-printout",
            "Выгрузка журнала за период (отметки и темы уроков)",
            ("class", "subject", "period"),
            ("group",),
            "journal-printout.html",
            lambda s, p: build_printout(
                s, p.get("class"), p.get("subject"), p.get("period"), p.get("group")
            ),
            printout_context,
        ),
        Kind(
            "period-summary",
            "Сводная ведомость успеваемости за период",
            ("class", "period"),
            (),
            "period-summary.html",
            lambda s, p: build_summary(s, p.get("class"), p.get("period")),
        ),
        Kind(
            "year-statement",
            "Сводная ведомость итоговых отметок за учебный год",
            ("class",),
            (),
            "year-statement.html",
            lambda s, p: build_year_statement(s, p.get("class")),
            year_context,
        ),
        Kind(
            "medal-sheet",
            "Ведомость успеваемости претендентов на медаль",
            ("class", "period"),
            (),
            "medal-sheet.html",
            lambda s, p: build_medal_sheet(s, p.get("class"), p.get("period")),
        ),
        Kind(
            "substitution-log",
            "Журнал учёта пропущенных и замещённых уроков",
            ("month",),
            ("payroll",),
            "substitution-log.html",
            _substitutions,
        ),
        Kind(
            "parent-statement",
            "Выписка из электронного журнала для родителей",
            ("student",),
            ("period", "from", "to"),
            "parent-statement.html",
            lambda s, p: build_parent_statement(
                s,
                p.get("student"),
                p.get("period"),
                _date(p.get("from"), "from"),
                _date(p.get("to"), "to"),
            ),
        ),
        Kind(
            "control-report",
            "Справка внутришкольного контроля (" + ", ".join(REPORTS) + ")",
            ("report",),
            ("class", "period", "month"),
            "control-report.html",
            lambda s, p: build_control_report(
                s, p.get("report"), p.get("class"), p.get("period"), p.get("month")
            ),
        ),
    )
}


def get_kind(name: str) -> Kind:
    """The kind called ``name`` or a :class:`DocumentProblem` listing the known ones."""
    kind = KINDS.get(name)
    if kind is None:
        raise DocumentProblem(f"неизвестный вид документа «{name}»; есть: {', '.join(KINDS)}")
    return kind


def build(snapshot: Snapshot, kind_name: str, params: Params) -> Any:
    """Build the data of one document of ``kind_name``."""
    kind = get_kind(kind_name)
    missing = [p for p in kind.required if not params.get(p)]
    if missing:
        raise DocumentProblem(
            f"для «{kind.name}» нужно указать: " + ", ".join(f"--{m}" for m in missing)
        )
    return kind.build(snapshot, params)


def render_data(data: Any, out: Path) -> RenderedDocument:
    """Render already built data of any kind to ``out``."""
    from service.documents.render import render_document

    kind = get_kind(data.meta.kind)
    return render_document(data, kind.template, out, kind.context(data) if kind.context else None)


def render_kind(snapshot: Snapshot, kind_name: str, params: Params, out: Path) -> RenderedDocument:
    """Build and render one document."""
    return render_data(build(snapshot, kind_name, params), out)
