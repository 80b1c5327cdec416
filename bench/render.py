"""Rendering benchmark: one quarterly printout, the whole period-end set, peak memory.

Run: ``python -m bench.render [--students 1000] [--workers 2] [--repeat 9] [--profile]``.
Uses the sample school generator when it is installed (``service.sample``), otherwise the
synthetic stand-in from ``tests/documents/factories.py`` (same size: 30 × 50 grid, N students).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

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


def _sheets(count: int) -> list:
    """``count`` different printouts of the same size (30 students × 50 lessons, other marks)."""
    from tests.documents.factories import wide_school

    sheets = []
    for seed in range(count):
        data = build_printout(wide_school(30, 50, seed=7 + seed), "7Б", "math", "Q1")
        topics = tuple(
            dataclasses.replace(t, homework=f"{t.homework}; вариант {seed + 1}")
            for t in data.topics
        )
        sheets.append(dataclasses.replace(data, topics=topics))
    return sheets


def _workers_cpu() -> float:
    """CPU seconds of finished pool workers: this process's children and the fork server's.

    The period set's workers come from multiprocessing's fork server, so they are its children,
    not ours: their time is in the server's ``cutime``/``cstime`` once it has reaped them.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = usage.ru_utime + usage.ru_stime
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
    return total


def _cold_child() -> None:
    """In a fresh process: CPU of start-up and imports, of the first printout, of the second."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    startup = usage.ru_utime + usage.ru_stime  # interpreter, this module and what it imports
    c0 = time.process_time()
    from tests.documents.factories import wide_school

    grid = wide_school(30, 50)
    first, second = (build_printout(grid, "7Б", "math", "Q1") for _ in range(2))
    c1 = time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        render_data(first, Path(tmp) / "first.pdf")
        c2 = time.process_time()
        render_data(second, Path(tmp) / "second.pdf")
        c3 = time.process_time()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {
        "startup": startup,
        "data": c1 - c0,
        "first": c2 - c1,
        "second": c3 - c2,
        "process": usage.ru_utime + usage.ru_stime,
    }
    print(json.dumps(figures))


def _cold() -> dict[str, float]:
    """Run :func:`_cold_child` in a new interpreter (nothing imported or cached yet)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.render", "--cold-child"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.splitlines()[-1])


def _typst(first, sheets) -> str:
    from bench.typst_sheet import measure

    try:
        import typst  # noqa: F401 - only whether it is installed
    except ImportError:
        return "typst: not installed (the pip package typst, in the dev extra); no yardstick"
    cold, warm, pdf = measure(first, sheets)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as out:
        out.write(pdf)
        out.flush()
        pages = len(PdfReader(out.name).pages)
    return (
        f"typst {_typst_version()} (yardstick, same sheet in bench/printout.typ, {pages} pages, "
        f"no attachment or signature field): warm median {statistics.median(warm):.3f} s CPU, "
        f"min {min(warm):.3f} s; first sheet with compiler start {cold:.3f} s CPU"
    )


def _typst_version() -> str:
    from importlib.metadata import version

    return version("typst")


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--skip-set", action="store_true")
    parser.add_argument("--cold-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        _cold_child()
        return

    print(
        f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
        f"on {os.cpu_count()} cores (CPU times below are per process, not wall time)"
    )
    cold = _cold()
    print(
        f"printout, cold (fresh process): start-up and imports {cold['startup']:.2f} s CPU, "
        f"first document {cold['first']:.2f} s, second {cold['second']:.2f} s; whole process "
        f"{cold['process']:.2f} s CPU (test data {cold['data']:.2f} s)"
    )
    sheets = _sheets(args.repeat + 1)
    data = sheets[0]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        resources()
        print(f"set-up (fonts, CSS, templates): {time.perf_counter() - t0:.2f} s")
        times, cpu = [], []
        pages = 0
        for i, sheet in enumerate(sheets):
            t0, c0 = time.perf_counter(), time.process_time()
            pages = render_data(sheet, Path(tmp) / f"p{i}.pdf").pages
            if i:  # the first run warms caches
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
        print(
            f"printout, warm (30 students × {len(data.columns)} dates, {pages} pages): "
            f"median {statistics.median(cpu):.3f} s CPU, min {min(cpu):.3f} s CPU "
            f"over {len(cpu)} different sheets; median {statistics.median(times):.3f} s wall "
            "(wall time is inflated when other jobs share the cores)"
        )
        print(_typst(sheets[0], sheets[1:]))
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
        before = _workers_cpu()
        self_before = time.process_time()
        result = render_period_set(snapshot, period, Path(tmp) / "set", workers=args.workers)
        elapsed = time.perf_counter() - t0
        pages = sum(d.pages for d in result.documents)
        print(
            f"period-end set {period}: {len(jobs)} documents, {pages} pages, "
            f"print pack {result.print_pack.pages if result.print_pack else 0} "
            f"pages, {elapsed:.1f} s with {args.workers} workers"
        )
        cpu_children = _workers_cpu() - before
        cpu_parent = time.process_time() - self_before
        print(
            f"CPU time: workers {cpu_children:.0f} s + parent {cpu_parent:.0f} s "
            f"= {(cpu_children + cpu_parent) / args.workers:.0f} s of wall time "
            f"on {args.workers} idle "
            f"cores; {cpu_children / max(1, len(jobs)):.2f} s CPU per document"
        )
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"peak memory: parent {_rss_mb(resource.RUSAGE_SELF):.0f} MB, "
            f"largest worker {children:.0f} MB"
        )


if __name__ == "__main__":
    main()
