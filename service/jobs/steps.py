"""The registry of job steps: plain functions that do one item of work, named by job kind.

A step takes the job row and one item and returns a small JSON-able result; it must be
idempotent by the item's key (a document id): running it twice yields the same document once.
A batch step (``register_batch``) takes several items of a job in one task and answers for each.
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


BatchStep = Callable[[Job, list[JobItem]], dict[str, "dict[str, Any] | StepError"]]

STEPS: dict[str, Step] = {}
FINISHERS: dict[str, Finisher] = {}
QUEUES: dict[str, str] = {}
BATCH_STEPS: dict[str, BatchStep] = {}
BATCH_SIZES: dict[str, int] = {}


def register(kind: str, queue: str, finisher: Finisher | None = None) -> Callable[[Step], Step]:
    """Register the step function of a job kind, the queue it runs on and an optional finisher."""

    def decorate(func: Step) -> Step:
        STEPS[kind] = func
        QUEUES[kind] = queue
        if finisher is not None:
            FINISHERS[kind] = finisher
        return func

    return decorate


def register_batch(
    kind: str, queue: str, size: int, finisher: Finisher | None = None
) -> Callable[[BatchStep], BatchStep]:
    """Register a step that does up to ``size`` items of a job kind in one task.

    It returns each item's result, or the ``StepError`` of that item, keyed by item key; every
    item it is given must be in the answer. It must be idempotent per item, like a step.
    """

    def decorate(func: BatchStep) -> BatchStep:
        BATCH_STEPS[kind] = func
        BATCH_SIZES[kind] = size
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
