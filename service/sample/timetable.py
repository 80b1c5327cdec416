"""A weekly timetable: every class's lessons placed on five days without teacher clashes.

A greedy pass places each class's hours (a subject spread over days, no gaps in a class's day),
then a repair pass swaps lessons within a class until no teacher has two lessons at once.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, replace

from service.sample.people import ClassPlan
from service.sample.staff import AssignmentRec

DAYS = 5
REPAIR_STEPS = 50_000
# Most lessons a day by grade (СанПиН 1.2.3685-21: 4–5 in grade 1, 5 in 2–4, 6 in 5–6, 7 in 7–11).
MAX_PER_DAY = {1: 5, 2: 5, 3: 5, 4: 5, 5: 6, 6: 6, 7: 7, 8: 7, 9: 7, 10: 7, 11: 7}


@dataclass(frozen=True, slots=True)
class Slot:
    """One lesson of the week: a class (or both its groups at once) at a weekday and number."""

    weekday: int  # 0 = Monday
    number: int  # 1..8
    class_id: str
    subject_id: str
    parts: tuple[AssignmentRec, ...]  # one assignment, or one per group taught at the same time

    @property
    def teachers(self) -> tuple[str, ...]:
        return tuple(p.teacher_id for p in self.parts)


@dataclass(frozen=True, slots=True)
class Timetable:
    """The week's slots per class and weekday, and how many teacher clashes could not be removed."""

    slots: dict[tuple[str, int], tuple[Slot, ...]]  # (class id, weekday) → slots by number
    clashes: int


def build_timetable(
    plans: list[ClassPlan], assignments: tuple[AssignmentRec, ...], rng: random.Random
) -> Timetable:
    """Place each class's weekly hours on days, then remove teacher clashes by swapping lessons."""
    items_of: dict[str, list[tuple[str, tuple[AssignmentRec, ...], int]]] = {}
    by_class_subject: dict[tuple[str, str], list[AssignmentRec]] = {}
    for a in assignments:
        by_class_subject.setdefault((a.class_id, a.subject_id), []).append(a)
    for (class_id, subject_id), group in by_class_subject.items():
        items_of.setdefault(class_id, []).append((subject_id, tuple(group), group[0].hours))

    occupied: Counter[tuple[str, int, int]] = Counter()
    grid: dict[str, dict[tuple[int, int], Slot]] = {}
    plan_order = list(plans)
    rng.shuffle(plan_order)
    for plan in plan_order:
        items = sorted(items_of.get(plan.id, []), key=lambda it: (-it[2], it[0]))
        weekly = sum(it[2] for it in items)
        cap = min(math.ceil(weekly / DAYS) + 1, MAX_PER_DAY[plan.grade])
        counts = [0] * DAYS
        cells = grid.setdefault(plan.id, {})
        for subject_id, parts, hours in items:
            teachers = [p.teacher_id for p in parts]
            used_days: list[int] = []
            for _ in range(hours):
                best: tuple[int, int] | None = None  # (score, day)
                for d in rng.sample(range(DAYS), DAYS):
                    if counts[d] >= cap:
                        continue
                    clash = any(occupied[(t, d, counts[d] + 1)] for t in teachers)
                    score = counts[d] * 2 + (10 if d in used_days else 0) + (100 if clash else 0)
                    if best is None or score < best[0]:
                        best = (score, d)
                d = best[1] if best else min(range(DAYS), key=lambda x: counts[x])
                counts[d] += 1
                slot = Slot(d, counts[d], plan.id, subject_id, parts)
                cells[(d, counts[d])] = slot
                for t in teachers:
                    occupied[(t, d, counts[d])] += 1
                used_days.append(d)
    clashes = _repair(grid, occupied, rng)
    slots: dict[tuple[str, int], tuple[Slot, ...]] = {}
    for class_id, cells in grid.items():
        for d in range(DAYS):
            slots[(class_id, d)] = tuple(
                sorted((s for (day, _), s in cells.items() if day == d), key=lambda s: s.number)
            )
    return Timetable(slots, clashes)


def _clash_cost(keys: set[tuple[str, int, int]], occupied: Counter[tuple[str, int, int]]) -> int:
    return sum(max(0, occupied[k] - 1) for k in keys)


def _repair(
    grid: dict[str, dict[tuple[int, int], Slot]],
    occupied: Counter[tuple[str, int, int]],
    rng: random.Random,
) -> int:
    """Swap lessons of one class while that lowers (or sometimes keeps) the number of clashes."""

    def clashing() -> list[Slot]:
        return [
            s
            for cells in grid.values()
            for s in cells.values()
            if any(occupied[(t, s.weekday, s.number)] > 1 for t in s.teachers)
        ]

    def per_day(cells: dict[tuple[int, int], Slot], subject_id: str, day: int) -> int:
        return sum(1 for (d, _), s in cells.items() if d == day and s.subject_id == subject_id)

    bad = clashing()
    steps = 0
    while bad and steps < REPAIR_STEPS:
        x = bad[rng.randrange(len(bad))]
        cells = grid[x.class_id]
        others = list(cells.values())
        rng.shuffle(others)
        best: tuple[int, Slot] | None = None
        for y in others:
            steps += 1
            if y is x or y.subject_id == x.subject_id:
                continue
            if x.weekday != y.weekday and (
                per_day(cells, x.subject_id, y.weekday) >= 1
                or per_day(cells, y.subject_id, x.weekday) >= 1
            ):
                continue
            keys = {(t, x.weekday, x.number) for t in x.teachers + y.teachers}
            keys |= {(t, y.weekday, y.number) for t in x.teachers + y.teachers}
            before = _clash_cost(keys, occupied)
            _move(x, y.weekday, y.number, occupied)
            _move(y, x.weekday, x.number, occupied)
            delta = _clash_cost(keys, occupied) - before
            _move(x, x.weekday, x.number, occupied, undo_from=(y.weekday, y.number))
            _move(y, y.weekday, y.number, occupied, undo_from=(x.weekday, x.number))
            if best is None or delta < best[0]:
                best = (delta, y)
            if delta < 0:
                break
        if best is not None and (best[0] < 0 or (best[0] == 0 and rng.random() < 0.3)):
            y = best[1]
            new_x = replace(x, weekday=y.weekday, number=y.number)
            new_y = replace(y, weekday=x.weekday, number=x.number)
            _move(x, y.weekday, y.number, occupied)
            _move(y, x.weekday, x.number, occupied)
            cells[(new_x.weekday, new_x.number)] = new_x
            cells[(new_y.weekday, new_y.number)] = new_y
            bad = clashing()
    return sum(max(0, n - 1) for n in occupied.values())


def _move(
    slot: Slot,
    day: int,
    number: int,
    occupied: Counter[tuple[str, int, int]],
    undo_from: tuple[int, int] | None = None,
) -> None:
    """Move ``slot``'s teachers from where it is (or ``undo_from``) to ``(day, number)``."""
    src_day, src_number = undo_from if undo_from else (slot.weekday, slot.number)
    for t in slot.teachers:
        occupied[(t, src_day, src_number)] -= 1
        occupied[(t, day, number)] += 1
