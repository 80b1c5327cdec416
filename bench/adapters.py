"""Benchmark the grid and OneRoster adapters on the sample school.

Writes the sample school as cp1251 CSV grids, as one XLSX workbook and as a OneRoster 1.2 zip, then
reads each back in a fresh process and prints wall time and that process's peak memory. Run:
``python -m bench.adapters [--students 1000] [--seed 7] [--no-xlsx]``. Figures are wall-clock on a
shared machine: noisy.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

READERS = {
    "grid": "service.journal.adapters.grid",
    "oneroster": "service.journal.adapters.oneroster",
}


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited over fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(label: str, action: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    value = action()
    print(f"{label:<40} {time.perf_counter() - start:8.2f} s")
    return value


def _size(path: Path) -> str:
    total = sum(p.stat().st_size for p in path.rglob("*")) if path.is_dir() else path.stat().st_size
    return f"{total / 1e6:.1f} MB"


def read_one(fmt: str, path: Path) -> None:
    """Read ``path`` with one adapter and print time, counts and this process's peak memory."""
    import importlib

    module = importlib.import_module(READERS[fmt])
    before = _peak_mb()
    start = time.perf_counter()
    result = module.read_with_report(path)
    took = time.perf_counter() - start
    got = result.snapshot
    print(
        f"read {fmt} {path.name:<26} {took:8.2f} s   peak RSS {_peak_mb():.0f} MB "
        f"(at start {before:.0f} MB)\n"
        f"    → {len(got.lessons)} lessons, {len(got.marks)} marks, {len(got.attendance)} "
        f"attendance, {len(got.period_marks)} period marks, {len(result.warnings)} warnings"
    )


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-xlsx", action="store_true", help="skip the (slow) whole-school XLSX")
    parser.add_argument("--read", nargs=2, metavar=("FORMAT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        read_one(args.read[0], Path(args.read[1]))
        return

    from service.journal.canonical import snapshot_from_dict
    from service.sample import generate_school
    from service.sample.export import grid_writer, oneroster_writer

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
        targets = [
            ("grid", root / "csv"),
            ("grid", root / "journal.xlsx"),
            ("oneroster", root / "oneroster.zip"),
        ]
        _timed(
            "write grid CSV folder (cp1251 ;)",
            lambda: grid_writer.write_csv_folder(snapshot, root / "csv"),
        )
        if args.no_xlsx:
            targets.pop(1)
        else:
            _timed(
                "write grid XLSX workbook",
                lambda: grid_writer.write_xlsx(snapshot, root / "journal.xlsx"),
            )
        _timed(
            "write OneRoster zip",
            lambda: oneroster_writer.write_zip(snapshot, root / "oneroster.zip"),
        )
        print("sizes: " + ", ".join(f"{p.name} {_size(p)}" for _, p in targets))
        for fmt, path in targets:
            subprocess.run(
                [sys.executable, "-m", "bench.adapters", "--read", fmt, str(path)], check=True
            )


if __name__ == "__main__":
    main()
