"""What a close produces: a close kind is a plan function (snapshot, period → documents).

``period`` closes a quarter, half or trimester with the period-end set of
``service.documents.period_set.period_jobs``; ``year`` produces the yearly summary statement of
every class and the honours list; ``month`` the month's substitution log and control reports.
A new close kind is one more entry in ``CLOSE_KINDS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from service.errors import UserError
from service.jobs.period_close import PlannedDocument, kind_title

YEAR = "year"
MONTH = "month"
PlanFunction = Callable[[Any, str, "set[str] | None"], list[PlannedDocument]]


class CloseProblem(UserError):
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
    """The yearly summary statement of every class with students and, school-wide («—»), the
    honours list of the graduates when the year has a 9th or 11th grade and the transfer order
    drafted from the council's decisions (numbered, left for the director to sign)."""
    from service.documents.kinds.honours_list import GRADUATING_GRADES
    from service.jobs.period_steps import item_key
    from service.jobs.year_orders import TRANSFER, has_transfer_decisions

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
    graduating = any(
        c.grade in GRADUATING_GRADES and snapshot.students_of_class.get(c.id)
        for c in snapshot.classes
    )
    school_wide = classes is None or "—" in classes
    if graduating and school_wide:
        planned.append(
            PlannedDocument(
                item_key("honours-list", {}),
                "honours-list",
                kind_title("honours-list"),
                "",
                {"params": {}, "path": "school/honours-list.pdf"},
            )
        )
    if school_wide and has_transfer_decisions(snapshot):
        planned.append(
            PlannedDocument(
                item_key(TRANSFER, {}),
                TRANSFER,
                "Приказ о переводе обучающихся (проект)",
                "",
                {"params": {}, "order": True},
            )
        )
    return planned


MONTH_REPORTS = ("timeliness", "accumulation", "attendance")


def plan_month(snapshot: Any, month: str, classes: set[str] | None) -> list[PlannedDocument]:
    """The month's duties (school-wide, «—»): the substitution log reconciled with the month's
    payroll file when one is kept, and the month's control reports (filling, accumulation,
    attendance)."""
    from service.documents.kinds.control_report import REPORTS
    from service.jobs.payroll_files import payroll_file
    from service.jobs.period_steps import item_key

    if classes is not None and "—" not in classes:
        return []
    params = {"month": month}
    payroll = payroll_file(month)
    if payroll is not None:
        params["payroll"] = str(payroll)
    planned = [
        PlannedDocument(
            item_key("substitution-log", {"month": month}),
            "substitution-log",
            kind_title("substitution-log"),
            "",
            {"params": params, "path": f"substitution-log-{month}.pdf"},
        )
    ]
    for report in MONTH_REPORTS:
        report_params = {"report": report, "month": month}
        planned.append(
            PlannedDocument(
                item_key("control-report", report_params),
                "control-report",
                REPORTS[report],
                "",
                {"params": report_params, "path": f"control-{report}-{month}.pdf"},
            )
        )
    return planned


CLOSE_KINDS: dict[str, PlanFunction] = {
    "period": plan_period,
    YEAR: plan_year,
    MONTH: plan_month,
}


_ORDINALS = {
    "1": "1", "2": "2", "3": "3", "4": "4", "i": "1", "ii": "2", "iii": "3", "iv": "4",
    "перв": "1", "втор": "2", "трет": "3", "четв": "4",
}  # fmt: skip
_WORDS = {"четверт": "Q", "полугод": "H", "триместр": "T"}


def resolve_target(snapshot: Any, text: str) -> CloseTarget:
    """The close meant by ``text``: Q1…Q4, H1, H2, T1…T3, «1 четверть», «2 полугодие», ``year``,
    ``month 2024-10``."""
    value = " ".join(text.strip().lower().replace("ё", "е").split())
    if value in {"year", "год", "учебный год", "весь год"}:
        return CloseTarget(YEAR, YEAR, f"{snapshot.year.id} учебный год")
    month = re.fullmatch(r"(?:month|месяц)?\s*(\d{4})-(\d{2})", value)
    if month:
        return _month_target(snapshot, int(month.group(1)), int(month.group(2)), text)
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
    raise CloseProblem(
        f"Неизвестный период «{text}». Укажите один из: {known}, year или month ГГГГ-ММ."
    )


def _month_target(snapshot: Any, year: int, month: int, text: str) -> CloseTarget:
    import datetime as dt

    from service.documents.common import MONTHS_NOMINATIVE

    first = dt.date(year, month, 1) if 1 <= month <= 12 else None
    if first is None or not (snapshot.year.start.replace(day=1) <= first <= snapshot.year.end):
        raise CloseProblem(
            f"Месяц «{text}» не входит в учебный год {snapshot.year.id}: укажите месяц "
            "в виде ГГГГ-ММ, например month 2024-10."
        )
    return CloseTarget(MONTH, f"{year:04d}-{month:02d}", f"{MONTHS_NOMINATIVE[month - 1]} {year}")


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
