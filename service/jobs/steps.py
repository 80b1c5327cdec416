"""The registry of job steps: plain functions that do one item of work, named by job kind.

A step takes the job row and one item and returns a small JSON-able result; it must be
idempotent by the item's key (a document id): running it twice yields the same document once.
Steps raise ``StepError`` with a Russian message for an expected failure of one item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.errors import UserError
from service.jobs.models import Job, JobItem

Step = Callable[[Job, JobItem], dict[str, Any]]
Finisher = Callable[[Job], dict[str, Any]]


class StepError(UserError):
    """An expected failure of one item, shown to users as is (Russian, no personal data)."""


STEPS: dict[str, Step] = {}
FINISHERS: dict[str, Finisher] = {}
QUEUES: dict[str, str] = {}


def register(kind: str, queue: str, finisher: Finisher | None = None) -> Callable[[Step], Step]:
    """Register the step function of a job kind, the queue it runs on and an optional finisher."""

    def decorate(func: Step) -> Step:
        STEPS[kind] = func
        QUEUES[kind] = queue
        if finisher is not None:
            FINISHERS[kind] = finisher
        return func

    return decorate


# Modules that register steps when imported (the pipeline's steps, once their parts are installed).
STEP_MODULES: list[str] = ["service.jobs.period_steps", "service.jobs.archive_finish"]


def load_steps() -> None:
    """Import the modules that register steps."""
    import importlib

    for name in STEP_MODULES:
        importlib.import_module(name)
