"""Rendering benchmark: one quarterly printout, the whole period-end set, peak memory.

Run: ``python -m bench.render [--students 1000] [--workers 2] [--repeat 7] [--profile]``.
Uses the sample school generator when it is installed (``service.sample``), otherwise the
synthetic stand-in from ``tests/documents/factories.py`` (same size: 30 × 50 grid, N students).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from service.documents.kinds import render_data
from service.documents.kinds.journal_printout import build_printout
from service.documents.period_set import period_jobs, render_period_set
from service.documents.render import resources


def _school(students: int):
    try:
        from service.journal.canonical import snapshot_from_dict
        from service.sample import generate_school

        school = generate_school(students, "2024/2025", 42)
        return snapshot_from_dict(school), "sample school (seed 42)"
    except ImportError:
        from tests.documents.factories import synthetic_school

        return synthetic_school(students), "synthetic stand-in (tests/documents/factories.py)"


def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--skip-set", action="store_true")
    args = parser.parse_args()

    from tests.documents.factories import wide_school

    grid = wide_school(30, 50)
    data = build_printout(grid, "7Б", "math", "Q1")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        resources()
        print(f"set-up (fonts, CSS, templates): {time.perf_counter() - t0:.2f} s")
        times, cpu = [], []
        for i in range(args.repeat + 1):
            t0, c0 = time.perf_counter(), time.process_time()
            render_data(data, Path(tmp) / f"p{i}.pdf")
            if i:  # the first run warms caches
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
        print(
            f"printout 30 students × {len(data.columns)} dates: "
            f"median {statistics.median(times):.3f} s "
            f"wall, {statistics.median(cpu):.3f} s CPU; "
            f"min {min(times):.3f} s over {len(times)} runs "
            "(one process; wall time is inflated when other jobs share the cores)"
        )
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
            render_data(data, Path(tmp) / "profiled.pdf")
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        print(f"peak memory of this process: {_rss_mb(resource.RUSAGE_SELF):.0f} MB")
        if args.skip_set:
            return
        snapshot, source = _school(args.students)
        print(
            f"school: {source}, {len(snapshot.students)} students, "
            f"{len(snapshot.classes)} classes, "
            f"{len(snapshot.lessons)} lessons, {len(snapshot.marks)} marks"
        )
        period = snapshot.year.periods[0].id
        jobs = period_jobs(snapshot, period)
        t0 = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        self_before = time.process_time()
        result = render_period_set(snapshot, period, Path(tmp) / "set", workers=args.workers)
        elapsed = time.perf_counter() - t0
        pages = sum(d.pages for d in result.documents)
        print(
            f"period-end set {period}: {len(jobs)} documents, {pages} pages, "
            f"print pack {result.print_pack.pages if result.print_pack else 0} "
            f"pages, {elapsed:.1f} s with {args.workers} workers"
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_children = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        cpu_parent = time.process_time() - self_before
        print(
            f"CPU time: workers {cpu_children:.0f} s + parent {cpu_parent:.0f} s "
            f"= {(cpu_children + cpu_parent) / args.workers:.0f} s of wall time "
            f"on {args.workers} idle "
            f"cores; {cpu_children / max(1, len(jobs)):.2f} s CPU per document"
        )
        children = after.ru_maxrss / 1024
        print(
            f"peak memory: parent {_rss_mb(resource.RUSAGE_SELF):.0f} MB, "
            f"largest worker {children:.0f} MB"
        )


if __name__ == "__main__":
    main()
