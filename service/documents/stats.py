"""Period-mark statistics: успеваемость, качество знаний, СОУ (see docs/statistics.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from service.documents.common import percent
from service.journal.snapshot import NOT_ATTESTED


@dataclass(frozen=True, slots=True)
class MarkStats:
    """Counts and percentages of one subject (or of the class) in a period."""

    counted: int  # students with a mark 5..1 or «н/а»
    fives: int
    fours: int
    threes: int
    twos: int
    ones: int
    not_attested: int
    progress: float  # успеваемость, %
    quality: float  # качество знаний, %
    sou: float  # степень обученности (СОУ), %


# Weights of the степень обученности учащихся (СОУ, по В. П. Симонову) for marks 5, 4, 3, 2, 1.
SOU_WEIGHTS = {"5": 100, "4": 64, "3": 36, "2": 16, "1": 7}


def mark_stats(values: Iterable[str]) -> MarkStats:
    """Statistics of period marks; only 5..1 and «н/а» count, other values are left out."""
    counts = {"5": 0, "4": 0, "3": 0, "2": 0, "1": 0, NOT_ATTESTED: 0}
    for value in values:
        if value in counts:
            counts[value] += 1
    counted = sum(counts.values())
    passed = counts["5"] + counts["4"] + counts["3"]
    good = counts["5"] + counts["4"]
    weighted = sum(SOU_WEIGHTS[k] * counts[k] for k in SOU_WEIGHTS)
    return MarkStats(
        counted=counted,
        fives=counts["5"],
        fours=counts["4"],
        threes=counts["3"],
        twos=counts["2"],
        ones=counts["1"],
        not_attested=counts[NOT_ATTESTED],
        progress=percent(passed, counted),
        quality=percent(good, counted),
        sou=round(weighted / counted, 1) if counted else 0.0,
    )
