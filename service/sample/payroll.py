"""The accounting department's payroll export of paid substitution hours for the sample school.

Layout: ``docs/payroll-format.md`` (one row per teacher and month; Windows-1251, «;»). Most months
agree with the journal's substitutions; some months carry the kind of differences a real export
has (hours keyed in wrong, a teacher left out), so the substitution log has something to report.
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

HEADER = "табельный номер;ФИО;месяц;оплачено часов"


def paid_hours(doc: dict[str, Any], month: str) -> dict[str, float]:
    """Paid substitution hours per substitute teacher id in a month («2024-10»)."""
    hours: dict[str, float] = defaultdict(float)
    for s in doc["substitutions"]:
        if s["paid"] and s["date"].startswith(month):
            hours[s["substitute_id"]] += s["hours"]
    return dict(sorted(hours.items()))


def months_with_substitutions(doc: dict[str, Any]) -> list[str]:
    """Months («2024-10») that have any substitution, in order."""
    return sorted({s["date"][:7] for s in doc["substitutions"]})


def mismatched_months(doc: dict[str, Any], seed: int = 7) -> list[str]:
    """The months whose export differs from the journal (about a third, never the first one)."""
    months = months_with_substitutions(doc)
    rng = random.Random(f"payroll-{seed}")
    return [m for i, m in enumerate(months) if i > 0 and (i == 1 or rng.random() < 0.3)]


def payroll_rows(doc: dict[str, Any], month: str, seed: int = 7) -> list[tuple[str, str, str, str]]:
    """Rows (id, ФИО, «MM.YYYY», hours) of a month's export, with its deliberate differences."""
    staff = {p["id"]: p for p in doc["staff"]}
    hours = paid_hours(doc, month)
    if month in mismatched_months(doc, seed) and hours:
        rng = random.Random(f"payroll-{seed}-{month}")
        ids = sorted(hours)
        wrong = rng.choice(ids)
        hours[wrong] += rng.choice((-1.0, 1.0, 2.0)) if hours[wrong] > 1 else 1.0
        if len(ids) > 2:
            left_out = rng.choice([i for i in ids if i != wrong])
            del hours[left_out]
    label = f"{month[5:7]}.{month[:4]}"
    rows = []
    for teacher_id, value in hours.items():
        p = staff[teacher_id]
        name = " ".join(x for x in (p["last_name"], p["first_name"], p.get("middle_name", "")) if x)
        text = f"{value:g}".replace(".", ",")
        rows.append((teacher_id, name, label, text))
    return rows


def payroll_csv(doc: dict[str, Any], month: str, seed: int = 7) -> bytes:
    """A month's export as Windows-1251 CSV with «;», as Excel in a Russian locale saves it."""
    lines = [HEADER, *(";".join(row) for row in payroll_rows(doc, month, seed))]
    return ("\r\n".join(lines) + "\r\n").encode("cp1251")
