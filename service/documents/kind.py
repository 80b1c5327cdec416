"""The descriptor every document kind declares once, in its own module under ``kinds/``.

Everything the rest of the application knows about a kind (its title in lists, its parameters,
who signs it, how long the archive keeps it, which template prints it, which documents of it a
period end produces) is read from its :class:`Kind`; nothing else lists kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.journal.snapshot import Period, SchoolClass, Snapshot
    from service.policy import SchoolPolicy

Params = Mapping[str, str | None]

PERIOD_END = "period-end"
"""The set of documents rendered, signed and archived when a period (quarter, half) closes."""


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """One document a kind contributes to a set: its parameters, file name and list title."""

    params: tuple[tuple[str, str], ...]
    file_name: str  # inside the class folder (or ``school/``), e.g. "period-summary.pdf"
    title: str = ""  # shown in job lists; the kind's title when empty


PlanFn = Callable[["Snapshot", "Period", "SchoolClass | None"], list[PlannedFile]]
"""Files of one class (or, given ``None``, the school-wide files) for a period of a set."""


@dataclass(frozen=True, slots=True)
class Kind:
    """A document kind, declared once in ``service/documents/kinds/<id with underscores>.py``.

    Attributes:
        id: The kind string stored in the PDF, the catalog and job items ("medal-sheet").
        title: The Russian title printed as the document's heading.
        label: A short Russian label for lists and counters.
        required: Parameters that must be given (``--class``, ``--period``...).
        optional: Parameters that may be given.
        signers: Signature roles, in the order of the fields on the page ("director").
        template: File name of the HTML template in ``service/documents/templates/``.
        build: Builds the document data from a snapshot, the parameters and the school policy.
        context: Extra template variables computed from the data (page splitting), if any.
        retention: Row of the retention schedule (``storage/retention.yaml``); the id if empty.
        sets: Sets of documents produced together that include this kind (``PERIOD_END``).
        plan: Which documents of this kind a set needs for a period, class by class.
        choices: Allowed values of parameters that take one of a few codes (``report``).
        policy: Sections of the school policy (fields of ``SchoolPolicy``) the builder reads,
            or a function of the built data giving them (a kind whose documents read different
            rules); they are part of the content key, so a changed rule re-renders them.
    """

    id: str
    title: str
    label: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    signers: tuple[str, ...]
    template: str
    build: Callable[[Snapshot, Params, SchoolPolicy], Any]
    context: Callable[[Any], dict[str, object]] | None = None
    retention: str = ""
    sets: tuple[str, ...] = ()
    plan: PlanFn | None = None
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()
    policy: tuple[str, ...] | Callable[[Any], tuple[str, ...]] = ()

    def policy_sections(self, data: Any) -> tuple[str, ...]:
        """The policy sections a built document of this kind was made with."""
        return self.policy(data) if callable(self.policy) else self.policy

    @property
    def retention_class(self) -> str:
        """The row key of this kind in the retention schedule."""
        return self.retention or self.id

    @property
    def module_name(self) -> str:
        """The module under ``kinds/`` that declares this kind."""
        return self.id.replace("-", "_")
