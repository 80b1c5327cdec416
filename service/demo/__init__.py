"""The main job on the embedded default: sample school → import → close a quarter → audit.

``run_demo`` is the one function the ``vedomost demo`` command calls; the period close lives
in ``service.demo.close``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from service.journal.import_report import format_import
from service.journal.importer import import_file
from service.journal.store import ImportResult

if TYPE_CHECKING:
    from service.demo.close import CloseSummary


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo did."""

    sample_file: Path
    imported: ImportResult
    close: CloseSummary | None = None


def sample_path(students: int, seed: int, year: str) -> Path:
    """Where the demo keeps its generated sample school (under the data directory)."""
    name = f"sample-{year.replace('/', '-')}-{students}-seed{seed}.json.gz"
    return Path(settings.DATA_DIR) / "demo" / name


def run_demo(
    students: int = 1000,
    seed: int = 7,
    year: str = "2024/2025",
    echo: Callable[[str], object] = print,
    period: str | None = "Q1",
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoResult:
    """Sample school (generated once) → import → close ``period`` (render, sign with the demo key,
    archive into stores A and B) → full fixity audit → summary.

    ``period=None`` stops after the import. ``progress`` gets (done, total) of each long step.
    """
    import time

    started = time.perf_counter()
    from service.sample import write_school

    path = sample_path(students, seed, year)
    if not path.exists():
        echo(f"Создаю примерную школу: {students} учеников, {year} учебный год…")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name("partial-" + path.name)  # keeps the .gz ending
        write_school(partial, students=students, year=year, seed=seed)
        partial.replace(path)
    echo(f"Импортирую {path.name}…")
    result = import_file(path, "json", progress)
    echo(format_import(result))
    if period is None:
        return DemoResult(path, result)
    from service.demo.close import close_period_demo, format_summary

    summary = close_period_demo(
        result.snapshot_id, period, workers=workers, echo=echo, progress=progress
    )
    echo(format_summary(summary, time.perf_counter() - started))
    return DemoResult(path, result, summary)
