"""A test adapter (registered by tests only) that returns a snapshot with a dangling reference."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from service.journal.snapshot import Snapshot
from tests.journal.factories import tiny_snapshot


def read(path: Path) -> Snapshot:
    """The tiny school with one mark pointing at a student who does not exist."""
    snapshot = tiny_snapshot()
    marks = (dataclasses.replace(snapshot.marks[0], student_id="ghost"), *snapshot.marks[1:])
    return dataclasses.replace(snapshot, marks=marks)
