"""What an adapter returns besides the snapshot: warnings about data it could not map."""

from __future__ import annotations

from dataclasses import dataclass

from service.journal.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class AdapterWarning:
    """Something in the input that was read but not (fully) carried into the snapshot.

    Same shape as :class:`~service.journal.errors.InputProblem`: file, location, field, message
    in Russian. Warnings never stop an import.
    """

    file: str
    location: str
    field: str
    message: str

    def __str__(self) -> str:
        parts = [self.file] if self.file else []
        if self.location:
            parts.append(self.location)
        if self.field:
            named = self.field.startswith(("столбец", "поле"))
            parts.append(self.field if named else f"поле «{self.field}»")
        prefix = ", ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass(frozen=True, slots=True)
class AdapterResult:
    """A snapshot read by an adapter and the warnings about what it could not map."""

    snapshot: Snapshot
    warnings: tuple[AdapterWarning, ...] = ()


class WarningCollector:
    """Collects warnings while an adapter reads input, merging repeats of the same message."""

    def __init__(self, limit: int = 500) -> None:
        self.limit = limit
        self._items: list[AdapterWarning] = []
        self._seen: set[AdapterWarning] = set()
        self.dropped = 0

    def add(self, file: str, location: str, field: str, message: str) -> None:
        item = AdapterWarning(file, location, field, message)
        if item in self._seen:
            return
        if len(self._items) >= self.limit:
            self.dropped += 1
            return
        self._seen.add(item)
        self._items.append(item)

    def result(self) -> tuple[AdapterWarning, ...]:
        """All warnings, with a closing line when some were dropped."""
        items = list(self._items)
        if self.dropped:
            items.append(AdapterWarning("", "", "", f"… и ещё {self.dropped} предупреждений"))
        return tuple(items)
