"""Benchmark the grid and OneRoster adapters on the sample school.

Writes the sample school as cp1251 CSV grids, as one XLSX workbook and as a OneRoster 1.2 zip, reads
each back and prints wall times, sizes and peak memory. Run: ``python -m bench.adapters
[--students 1000] [--seed 7]``. Figures are wall-clock on a shared machine: noisy.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service.journal.adapters import grid, oneroster
from service.journal.canonical import snapshot_from_dict
from service.journal.export import grid_writer, oneroster_writer
from service.journal.sample import generate_school


def _timed(label: str, action: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = action()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<44} {time.perf_counter() - start:8.2f} s   (peak RSS so far {peak:.0f} MB)")
    return value


def _size(path: Path) -> str:
    total = sum(p.stat().st_size for p in path.rglob("*")) if path.is_dir() else path.stat().st_size
    return f"{total / 1e6:.1f} MB"


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    doc = _timed(
        f"generate sample ({args.students} students)",
        lambda: generate_school(students=args.students, year="2024/2025", seed=args.seed),
    )
    snapshot = snapshot_from_dict(doc)
    print(
        f"sample: {len(snapshot.classes)} classes, {len(snapshot.lessons)} lessons, "
        f"{len(snapshot.marks)} marks, {len(snapshot.attendance)} attendance, "
        f"{len(snapshot.period_marks)} period marks"
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        csv_dir, xlsx, zip_path = root / "csv", root / "journal.xlsx", root / "oneroster.zip"
        _timed(
            "write grid CSV folder (cp1251 ;)",
            lambda: grid_writer.write_csv_folder(snapshot, csv_dir),
        )
        _timed("write grid XLSX workbook", lambda: grid_writer.write_xlsx(snapshot, xlsx))
        _timed("write OneRoster zip", lambda: oneroster_writer.write_zip(snapshot, zip_path))
        print(
            f"sizes: CSV folder {_size(csv_dir)} ({len(list(csv_dir.iterdir()))} files), "
            f"XLSX {_size(xlsx)}, OneRoster zip {_size(zip_path)}"
        )
        for label, reader, path in (
            ("read grid CSV folder", grid.read_with_report, csv_dir),
            ("read grid XLSX workbook", grid.read_with_report, xlsx),
            ("read OneRoster zip", oneroster.read_with_report, zip_path),
        ):
            result = _timed(label, lambda reader=reader, path=path: reader(path))
            got = result.snapshot
            print(
                f"    → {len(got.lessons)} lessons, {len(got.marks)} marks, "
                f"{len(got.attendance)} attendance, {len(got.period_marks)} period marks, "
                f"{len(result.warnings)} warnings"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (whole run): {peak:.0f} MB")


if __name__ == "__main__":
    main()
