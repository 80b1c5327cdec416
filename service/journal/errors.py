"""Problems found in imported input, reported to users in Russian with file, place and field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from service.errors import UserError

MAX_PROBLEMS = 200


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One thing wrong with the input.

    Attributes:
        file: the file name as the user knows it (no directories of the server).
        location: «строка 14», «лист «Оценки», строка 3» or a JSON pointer such as «/marks/17».
        field: the column or field, e.g. «12.09» or «value»; empty when the whole row is wrong.
        message: what is wrong, in Russian.
    """

    file: str
    location: str
    field: str
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.location:
            parts.append(self.location)
        if self.field:
            parts.append(
                f"поле «{self.field}»"
                if not self.field.startswith(("столбец", "поле", "ячейка"))
                else self.field
            )
        return ", ".join(parts) + f": {self.message}"


class InvalidInput(UserError):
    """The input cannot be imported; ``problems`` lists why (at most ``MAX_PROBLEMS``)."""

    def __init__(self, problems: Iterable[InputProblem], truncated: bool = False) -> None:
        self.problems = list(problems)
        self.truncated = truncated
        super().__init__(self.summary())

    def summary(self) -> str:
        """All problems, one a line, in Russian."""
        lines = [str(p) for p in self.problems]
        if self.truncated:
            lines.append(f"… показаны первые {len(self.problems)} ошибок, остальные пропущены")
        return "\n".join(lines)


class ProblemCollector:
    """Collects problems while an adapter reads input; stops collecting past ``limit``."""

    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.limit = limit
        self.problems: list[InputProblem] = []
        self.truncated = False

    def add(self, file: str, location: str, field: str, message: str) -> None:
        if len(self.problems) >= self.limit:
            self.truncated = True
            return
        self.problems.append(InputProblem(file, location, field, message))

    @property
    def full(self) -> bool:
        return len(self.problems) >= self.limit

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        """Raise :class:`InvalidInput` if anything was collected."""
        if self.problems:
            raise InvalidInput(self.problems, self.truncated)
