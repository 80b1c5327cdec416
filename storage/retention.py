"""The retention schedule (a data file, one row per kind) and the retain-until dates from it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from storage.stores.base import LockMode

DEFAULT_SCHEDULE = Path(__file__).with_name("retention.yaml")
STATUS_LABELS = {
    "confirmed": "подтверждено",
    "confirm": "основание уточнить",
    "confirm article": "основание уточнить (статья)",
    "school policy": "решение школы",
}
_COUNTED = {"case-closed", "event", "archived"}


class ScheduleError(ValueError):
    """The schedule file is malformed; the message names the row and field."""


@dataclass(frozen=True)
class RetentionRule:
    """One row of the schedule."""

    kind: str
    title: str
    years: int | None  # None: permanent
    counted_from: str
    basis: str
    status: str
    mode: LockMode
    rotation_weekly: int = 0
    rotation_monthly: int = 0

    @property
    def permanent(self) -> bool:
        """«Постоянно»: a legal hold with no end date."""
        return self.years is None

    @property
    def status_label(self) -> str:
        """The status as the archivist sees it (e.g. «основание уточнить»)."""
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def period_label(self) -> str:
        """The period in Russian."""
        if self.years is None:
            return "постоянно"
        if self.counted_from == "archived":
            return (
                f"ротация: {self.rotation_weekly} еженедельных, {self.rotation_monthly} ежемесячных"
            )
        suffix = " после отзыва или выбытия" if self.counted_from == "event" else ""
        return f"{self.years} лет{suffix}"


@dataclass(frozen=True)
class Schedule:
    """All rows, by kind."""

    rules: Mapping[str, RetentionRule]

    def rule(self, kind: str) -> RetentionRule:
        """The row for ``kind``; an unknown kind is an error (never a silent default)."""
        try:
            return self.rules[kind]
        except KeyError:
            raise ScheduleError(f"в графике хранения нет вида документа {kind!r}") from None


@dataclass(frozen=True)
class RetentionDecision:
    """What lock a new object gets."""

    mode: LockMode | None
    retain_until: datetime | None
    legal_hold: bool
    case_closed_year: int | None


def _parse_rule(kind: str, row: Any) -> RetentionRule:
    if not isinstance(row, Mapping):
        raise ScheduleError(f"{kind}: строка графика должна быть словарём")
    years_raw = row.get("years")
    if years_raw == "permanent":
        years = None
    elif isinstance(years_raw, int) and years_raw >= 0:
        years = years_raw
    else:
        raise ScheduleError(f"{kind}.years: нужно число лет или permanent, получено {years_raw!r}")
    counted = str(row.get("counted_from", "case-closed"))
    if counted not in _COUNTED:
        raise ScheduleError(f"{kind}.counted_from: одно из {sorted(_COUNTED)}")
    mode = str(row.get("mode", "governance")).upper()
    if mode not in ("COMPLIANCE", "GOVERNANCE"):
        raise ScheduleError(f"{kind}.mode: compliance или governance")
    for field_name in ("title", "basis", "status"):
        if not str(row.get(field_name, "")).strip():
            raise ScheduleError(f"{kind}.{field_name}: поле обязательно")
    rotation = row.get("rotation") or {}
    return RetentionRule(
        kind=kind,
        title=str(row["title"]),
        years=years,
        counted_from=counted,
        basis=str(row["basis"]),
        status=str(row["status"]),
        mode=mode,  # type: ignore[arg-type]
        rotation_weekly=int(rotation.get("weekly", 0)),
        rotation_monthly=int(rotation.get("monthly", 0)),
    )


def load_schedule(path: Path | None = None) -> Schedule:
    """Read the schedule file (default: ``storage/retention.yaml``)."""
    source = path or DEFAULT_SCHEDULE
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(data, Mapping) or not isinstance(data.get("kinds"), Mapping):
        raise ScheduleError(f"{source}: нужен раздел kinds")
    return Schedule({str(k): _parse_rule(str(k), v) for k, v in data["kinds"].items()})


def case_closed_year(year: str | None, case_closed: str | None, fallback: date) -> int:
    """The year the case closes: a given date, the end of school year «2025/2026», or fallback."""
    if case_closed:
        return date.fromisoformat(case_closed).year
    if year:
        numbers = [int(n) for n in re.findall(r"\d{4}", year)]
        if numbers:
            return max(numbers)
    return fallback.year


def decide(
    rule: RetentionRule,
    *,
    closed_year: int | None,
    signed: bool,
    now: datetime | None = None,
) -> RetentionDecision:
    """Compute the lock: retain-until = 1 January of (closed year + 1 + years); permanent = hold.

    ``closed_year`` is None for an event-based row whose event has not happened yet: such a document
    is held (legal hold) until the event is recorded.
    """
    mode: LockMode = "COMPLIANCE" if signed else rule.mode
    if rule.permanent:
        return RetentionDecision(mode, None, True, closed_year)
    if closed_year is None:
        return RetentionDecision(mode, None, True, None)
    assert rule.years is not None
    until = datetime(closed_year + 1 + rule.years, 1, 1, tzinfo=UTC)
    current = now or datetime.now(UTC)
    if until <= current:
        # The period has already ended: nothing to lock (the document is due for disposal).
        return RetentionDecision(None, until, False, closed_year)
    return RetentionDecision(mode, until, False, closed_year)


def lengthen_only(current: datetime | None, proposed: datetime | None) -> datetime | None:
    """A schedule change may lengthen a lock, never shorten it."""
    if current is None:
        return proposed
    if proposed is None:
        return current
    return max(current, proposed)
