"""What a close produces: a close kind is a plan function (snapshot, period → documents).

``period`` closes a quarter, half or trimester with the period-end set of
``service.documents.period_set.period_jobs``; ``year`` produces the yearly summary statement of
every class. A new close kind is one more entry in ``CLOSE_KINDS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.jobs.period_close import PlannedDocument, kind_title

YEAR = "year"
PlanFunction = Callable[[Any, str, "set[str] | None"], list[PlannedDocument]]


class CloseProblem(Exception):
    """A close cannot start or go on; the message is Russian and says what to do."""


@dataclass(frozen=True)
class CloseTarget:
    """What to close: the close kind, the period id (``year`` for the whole year) and its name."""

    kind: str
    period_id: str
    name: str


def plan_period(snapshot: Any, period_id: str, classes: set[str] | None) -> list[PlannedDocument]:
    """The period-end set (journal printouts, summaries, medal sheets, control reports)."""
    from service.jobs.period_steps import plan_close

    return plan_close(snapshot, period_id, classes)


def plan_year(snapshot: Any, _period_id: str, classes: set[str] | None) -> list[PlannedDocument]:
    """The yearly summary statement of every class with students."""
    from service.jobs.period_steps import item_key

    planned = []
    for school_class in snapshot.classes:
        if not snapshot.students_of_class.get(school_class.id):
            continue
        if classes is not None and school_class.id not in classes:
            continue
        params = {"class": school_class.id}
        planned.append(
            PlannedDocument(
                item_key("year-statement", params),
                "year-statement",
                kind_title("year-statement"),
                school_class.id,
                {"params": params, "path": f"{school_class.id}/year-statement.pdf"},
            )
        )
    return planned


CLOSE_KINDS: dict[str, PlanFunction] = {"period": plan_period, YEAR: plan_year}


_ORDINALS = {
    "1": "1", "2": "2", "3": "3", "4": "4", "i": "1", "ii": "2", "iii": "3", "iv": "4",
    "перв": "1", "втор": "2", "трет": "3", "четв": "4",
}  # fmt: skip
_WORDS = {"четверт": "Q", "полугод": "H", "триместр": "T"}


def resolve_target(snapshot: Any, text: str) -> CloseTarget:
    """The close meant by ``text``: Q1…Q4, H1, H2, T1…T3, «1 четверть», «2 полугодие», ``year``."""
    value = " ".join(text.strip().lower().replace("ё", "е").split())
    if value in {"year", "год", "учебный год", "весь год"}:
        return CloseTarget(YEAR, YEAR, f"{snapshot.year.id} учебный год")
    periods = snapshot.period_by_id
    by_lower = {p.lower(): p for p in periods}
    if value in by_lower:
        period = periods[by_lower[value]]
        return CloseTarget("period", period.id, period.name)
    for period in periods.values():
        if value == period.name.lower().replace("ё", "е"):
            return CloseTarget("period", period.id, period.name)
    match = re.fullmatch(r"(\w+?)(?:-?(?:я|ая|ое|ий|ье|ый))?\s+(\w+)", value)
    if match:
        number = next((n for k, n in _ORDINALS.items() if match.group(1).startswith(k)), "")
        prefix = next((p for k, p in _WORDS.items() if match.group(2).startswith(k)), "")
        if number and prefix and prefix + number in periods:
            period = periods[prefix + number]
            return CloseTarget("period", period.id, period.name)
    known = ", ".join(f"{p.id} («{p.name}»)" for p in periods.values())
    raise CloseProblem(f"Неизвестный период «{text}». Укажите один из: {known} или year.")


def plan_target(
    snapshot: Any, target: CloseTarget, classes: set[str] | None
) -> list[PlannedDocument]:
    """The documents of a close; an empty selection or an empty plan is refused."""
    if classes is not None and not classes:
        raise CloseProblem("Не выбран ни один класс: отметьте классы, документы которых нужны.")
    if classes is not None:
        known = {c.id for c in snapshot.classes} | {"—"}
        unknown = sorted(classes - known)
        if unknown:
            raise CloseProblem(
                f"Нет таких классов: {', '.join(unknown)}. Есть: "
                + ", ".join(c.id for c in snapshot.classes)
            )
    planned = CLOSE_KINDS[target.kind](snapshot, target.period_id, classes)
    if not planned:
        raise CloseProblem(
            f"За «{target.name}» в выбранных классах нечего формировать: нет учеников "
            "или уроков. Выберите другие классы."
        )
    return planned
