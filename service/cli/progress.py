"""A progress bar (counts and time left) for commands that can run more than a few seconds.

Long functions take ``progress: Callable[[int, int], None] | None``, called with
``(done, total)`` as they go; :func:`progress` yields such a callback that draws on stderr. It
draws nothing when stdout is not a terminal (a pipe, a file, a test) or when the command
prints JSON, so scripts read clean output. A function with several long steps reports them one
after the other; each step (a new total, or a count starting again) gets a bar of its own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

Progress = Callable[[int, int], None]


def _ignore(done: int, total: int) -> None:
    """Progress nobody looks at."""


def wanted(enabled: bool = True) -> bool:
    """Whether to draw: asked for, and stdout is a terminal."""
    return enabled and sys.stdout.isatty()


@contextmanager
def progress(label: str, enabled: bool = True) -> Iterator[Progress]:
    """A ``(done, total)`` callback drawing «label [####    ] 12/40 00:00:31» while in the block.

    Args:
        label: Russian words before the bar, e.g. «Документы».
        enabled: False for ``--json``; the bar is also off when stdout is not a terminal.
    """
    if not wanted(enabled):
        yield _ignore
        return
    bar: Any = None

    def close() -> None:
        nonlocal bar
        if bar is not None:
            bar.__exit__(None, None, None)
            bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is not None and (total != bar.length or done < bar.pos):
            close()  # a new step of the command counts from zero
        if bar is None:
            bar = click.progressbar(
                length=max(total, 1), label=label, file=sys.stderr, show_pos=True, show_eta=True
            )
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            close()  # the line is finished before the command prints anything else

    try:
        yield update
    finally:
        close()
