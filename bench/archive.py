"""Benchmark: archive N documents of 150 KB into two SeaweedFS stores with read-back, then audit.

Run: ``python -m bench.archive [--docs 1000] [--size-kb 150] [--workers 8] [--one-by-one]``.
Starts its own two SeaweedFS servers (ports 18200 / 18300) and a temporary SQLite catalog
(or ``VEDOMOST_DATABASE_URL``).
Targets: ≥ 50 documents/s archiving, ≥ 100 MB/s per store auditing, flat memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def rss_mb() -> float:
    """Current resident set size in MiB (Linux)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def proc_cpu_s(pid: int) -> float:
    """User+system CPU seconds of another process (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb() -> float:
    """Peak resident set size so far in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--size-kb", type=int, default=150)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument(
        "--one-by-one",
        action="store_true",
        help="Call Archive.archive per document from a thread pool instead of archive_many.",
    )
    parser.add_argument("--profile", action="store_true", help="Profile the audit (pyinstrument).")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="vedomost-bench-"))
    os.environ["VEDOMOST_DATA_DIR"] = str(tmp / "data")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)

    from django.db import connection

    from service.archive.catalog import DjangoCatalog
    from storage.archive import Archive, BatchItem, DocumentMetadata
    from storage.fixity import audit
    from storage.retention import load_schedule
    from tests.fixtures.seaweed import WeedServer
    from tests.fixtures.storage import s3_store

    a, b = WeedServer(tmp / "a", 18200), WeedServer(tmp / "b", 18300)
    a.start()
    b.start()
    try:
        archive = Archive(
            s3_store(a, "bench", "A"), s3_store(b, "bench", "B"), DjangoCatalog(), load_schedule()
        )
        size = args.size_kb * 1024
        base = os.urandom(size)
        archive.archive(
            base, DocumentMetadata(document_id="warm-up", year="2025/2026"), "control-report"
        )

        def item(i: int) -> BatchItem:
            data = i.to_bytes(8, "big") + base[8:]
            meta = DocumentMetadata(
                document_id=f"bench-{i:05d}",
                school="sch-1",
                year="2025/2026",
                class_id=f"cls-{i % 30}",
                period="q2",
                snapshot_id="snap-1",
            )
            return BatchItem(data, meta, "journal-printout")

        def one(i: int) -> None:
            it = item(i)
            archive.archive(it.data, it.metadata, it.kind)
            connection.close()  # per-thread connection: close when the thread's work item is done

        rss_before = rss_mb()
        cpu0 = time.process_time()
        pids = [s.process.pid for s in (a, b) if s.process]
        servers0 = sum(proc_cpu_s(p) for p in pids)
        started = time.perf_counter()
        if args.profile:
            from pyinstrument import Profiler

            ingest_profiler = Profiler()
            ingest_profiler.start()
            for i in range(args.docs):  # sequential so the profile shows the work, not the pool
                one(i)
            ingest_profiler.stop()
            print(ingest_profiler.output_text(unicode=False, color=False))
        elif args.one_by_one:
            with ThreadPoolExecutor(max_workers=args.workers) as pool:
                list(pool.map(one, range(args.docs)))
        else:
            outcomes = archive.archive_many(
                (item(i) for i in range(args.docs)),
                workers=args.workers,
                release=lambda: connection.close(),  # the worker thread's own connection
            )
            failed = [o for o in outcomes if o.error is not None]
            if failed:
                print(f"FAILED: {len(failed)} documents, first: {failed[0].error}")
        elapsed = time.perf_counter() - started
        ingest_cpu = time.process_time() - cpu0
        servers_cpu = sum(proc_cpu_s(p) for p in pids) - servers0
        rss_after_ingest = rss_mb()
        counts = archive.catalog.count_by_state()

        cpu0 = time.process_time()
        servers0 = sum(proc_cpu_s(p) for p in pids)
        started = time.perf_counter()
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler()
            profiler.start()
        report = audit(archive, workers=args.workers)
        if args.profile:
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False))
        audit_elapsed = time.perf_counter() - started
        audit_cpu = time.process_time() - cpu0
        audit_servers_cpu = sum(proc_cpu_s(p) for p in pids) - servers0
        mb = {k: v / 1e6 for k, v in report.bytes_read.items()}
        mode = "Archive.archive one by one" if args.one_by_one else "Archive.archive_many"
        print(
            f"documents: {args.docs} x {args.size_kb} KB, workers {args.workers} ({mode}), "
            f"catalog {connection.vendor}"
        )
        print(
            f"archive with read-back: {elapsed:.2f} s = {args.docs / elapsed:.1f} docs/s "
            f"({args.docs * size * 2 / elapsed / 1e6:.1f} MB/s written to the two stores)"
        )
        print(f"states: {counts}")
        print(
            f"CPU during ingest: this process {ingest_cpu:.1f} s, the two SeaweedFS servers "
            f"{servers_cpu:.1f} s"
        )
        print(
            f"CPU of this process: ingest {ingest_cpu:.1f} s, audit {audit_cpu:.1f} s; "
            f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        print(
            f"full audit: {audit_elapsed:.2f} s for {report.checked} documents; per store "
            f"A {mb['A'] / audit_elapsed:.1f} MB/s, B {mb['B'] / audit_elapsed:.1f} MB/s; "
            f"clean={report.clean}"
        )
        print(
            f"CPU during audit: this process {audit_cpu:.1f} s, the two SeaweedFS servers "
            f"{audit_servers_cpu:.1f} s"
        )
        print(
            f"RSS: before ingest {rss_before:.0f} MiB, after ingest {rss_after_ingest:.0f} MiB, "
            f"after audit {rss_mb():.0f} MiB, peak {peak_rss_mb():.0f} MiB"
        )
    finally:
        a.stop()
        b.stop()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
