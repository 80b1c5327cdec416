"""Benchmark of issue 6: DOCX render, DOCX → PDF/A through the warm converter, 30 consent forms.

Run: ``python -m bench.orders`` (starts its own unoserver on 127.0.0.1:2007/2006 and stops it).
Targets: render ≤ 50 ms, conversion ≤ 300 ms median, 30 consent forms for a class ≤ 10 s.
Figures are wall-clock on a shared machine: noisy.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH_PORT, BENCH_UNO_PORT = 2007, 2006


def _ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:.1f} ms, min {min(values) * 1000:.1f} ms, "
        f"max {max(values) * 1000:.1f} ms (n={len(values)})"
    )


def _group_cpu(pgid: int | None) -> float:
    """CPU seconds (user + system) used so far by the processes of a process group (Linux)."""
    import os

    if pgid is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: the process group
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def main() -> int:
    """Print the figures; exit 1 if a target is missed."""
    from service.orders.context import ContextRequest, build_context, order_meta
    from service.orders.convert import Converter, ConverterConfig
    from service.orders.kinds import get_kind
    from service.orders.pdfa import finish_pdf, pdfa_info
    from service.orders.render import render_docx
    from service.orders.sample_school import demo_snapshot
    from service.orders.versions import bundled

    snap = demo_snapshot()
    big = demo_snapshot(students_per_class=30)
    day = dt.date(2026, 5, 30)
    ok = True

    # 1. DOCX render (sandboxed docxtpl), per kind
    render_times: dict[str, list[float]] = {}
    docs: dict[str, bytes] = {}
    for name, params in (
        ("intro-journal", {}),
        ("transfer", {}),
        ("refusal-letter", {"guardian": "g001"}),
        ("consent-pd", {"guardian": "g001"}),
    ):
        kind = get_kind(name)
        template = bundled(kind).content
        meta = order_meta(snap, kind, "bench-0001", day, number="212/4", template_version="bench")
        times, cpu = [], []
        for _ in range(15):
            started, started_cpu = time.perf_counter(), time.process_time()
            ctx = build_context(ContextRequest(kind, snap, meta, params))
            docs[name] = render_docx(template, ctx)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        render_times[name] = times
        print(
            f"render {name:<16} wall {_ms(times)}; "
            f"CPU median {statistics.median(cpu) * 1000:.1f} ms"
        )
    worst = max(statistics.median(t) for t in render_times.values())
    ok &= worst <= 0.050
    print(f"render: worst median {worst * 1000:.1f} ms (target ≤ 50 ms)")

    with tempfile.TemporaryDirectory(prefix="vedomost-bench-") as tmp:
        conv = Converter(
            ConverterConfig(port=BENCH_PORT, uno_port=BENCH_UNO_PORT, profile_dir=Path(tmp) / "lo")
        )
        started = time.perf_counter()
        conv.start()
        print(f"converter cold start: {time.perf_counter() - started:.1f} s")
        try:
            conv.docx_to_pdfa(docs["intro-journal"])  # first document loads filters and fonts
            # 2. DOCX → PDF/A through the warm converter (plus finishing: XMP id, signature field)
            times = []
            lo_cpu_before = _group_cpu(conv.pid)
            for _ in range(15):
                started = time.perf_counter()
                pdf = finish_pdf(
                    conv.docx_to_pdfa(docs["intro-journal"]), "bench-0001", "Приказ", ("director",)
                )
                times.append(time.perf_counter() - started)
            assert pdfa_info(pdf).part == "3"
            if conv.pid is not None:
                lo_cpu = (_group_cpu(conv.pid) - lo_cpu_before) / len(times)
                print(f"LibreOffice CPU per conversion: {lo_cpu * 1000:.0f} ms")
            print(f"convert intro-journal (1 page) {_ms(times)} (target median ≤ 300 ms)")
            ok &= statistics.median(times) <= 0.300
            times = []
            for _ in range(5):
                started = time.perf_counter()
                conv.docx_to_pdfa(docs["transfer"])
                times.append(time.perf_counter() - started)
            print(f"convert transfer (2 pages, tables) {_ms(times)}")

            # 3. 30 consent forms for one class: context + render + one conversion + finishing
            kind = get_kind("consent-pd")
            meta = order_meta(big, kind, "bench-0002", day, template_version="bench")
            started = time.perf_counter()
            ctx = build_context(ContextRequest(kind, big, meta, {"class": "5А"}))
            docx = render_docx(bundled(kind).content, ctx)
            rendered = time.perf_counter() - started
            pdf = finish_pdf(conv.docx_to_pdfa(docx), "bench-0002", "Согласия", ())
            total = time.perf_counter() - started
            pages = pdfa_info(pdf).pages
            print(
                f"30 consent forms: {len(ctx['forms'])} forms, {pages} pages, "
                f"render {rendered:.2f} s, "
                f"total {total:.2f} s (target ≤ 10 s)"
            )
            ok &= total <= 10.0 and pages == len(ctx["forms"]) == 30
        finally:
            conv.stop()
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service.settings")
    import django

    django.setup()
    sys.exit(main())
