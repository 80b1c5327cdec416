"""The main job on the embedded default, as far as it exists: sample school → import → summary.

``run_demo`` is the one function the ``vedomost demo`` command calls; later steps (documents,
signing, archive) extend it here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from service.journal.importer import import_file
from service.journal.store import ImportResult
from service.journal.summary import format_import


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo did."""

    sample_file: Path
    imported: ImportResult


def sample_path(students: int, seed: int, year: str) -> Path:
    """Where the demo keeps its generated sample school (under the data directory)."""
    name = f"sample-{year.replace('/', '-')}-{students}-seed{seed}.json.gz"
    return Path(settings.DATA_DIR) / "demo" / name


def run_demo(
    students: int = 1000,
    seed: int = 7,
    year: str = "2024/2025",
    echo: Callable[[str], object] = print,
) -> DemoResult:
    """Generate the sample school (once), import it and print what was imported."""
    from service.journal.sample import write_school

    path = sample_path(students, seed, year)
    if not path.exists():
        echo(f"Создаю примерную школу: {students} учеников, {year} учебный год…")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name("partial-" + path.name)  # keeps the .gz ending
        write_school(partial, students=students, year=year, seed=seed)
        partial.replace(path)
    echo(f"Импортирую {path.name}…")
    result = import_file(path, "json")
    echo(format_import(result))
    return DemoResult(path, result)
