"""Benchmark: import the 1,000-student full-year sample school into a fresh PostgreSQL catalog.

    python -m bench.import_sample [--students 1000] [--database-url postgresql://…/vedomost_bench]
    python -m bench.import_sample --sqlite     # the embedded default's catalog instead

Creates (and afterwards drops) a fresh database, generates the sample school once (not timed),
then measures in a child process each:
1. the first import (read, validate, check, hash, store rows) — target ≤ 20 s, ≤ 1 GB peak RSS;
2. re-importing the same file unchanged — target ≤ 5 s;
3. re-importing the same data re-serialised (other bytes, same content: full parse and hash,
   no shortcut) — reported for information.
Figures on a shared machine are noisy; run it twice when in doubt.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/vedomost_bench_import"
TARGETS = {"first": (20.0, 1024.0), "unchanged": (5.0, None)}


def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def recreate_database(url: str, drop_only: bool = False) -> None:
    """Drop and (unless ``drop_only``) create the benchmark database (nothing for SQLite)."""
    if not url:
        return
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM; ru_maxrss survives exec from the parent)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _process_cpu(pid: int) -> float | None:
    """User+system CPU seconds of a process on this machine (None if not readable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child(path: str, fmt: str) -> None:
    """Run in a fresh process: set up Django, import once, print JSON figures."""
    from service.cli.main import setup_django

    setup_django()
    from django.db import connection

    from service.journal.importer import import_file

    backend, version = None, ""
    with connection.cursor() as cursor:  # the server process that will do the import's SQL
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_backend_pid(), current_setting('server_version')")
            backend, version = cursor.fetchone()
        else:
            cursor.execute("SELECT sqlite_version()")
            version = cursor.fetchone()[0]
    server_before = _process_cpu(backend) if backend else None
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    result = import_file(Path(path), fmt)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    server_after = _process_cpu(backend) if backend else None
    print(
        json.dumps(
            {
                "wall": wall,
                "rss_mb": peak_rss_mb(),
                # CPU of the import alone (not Django start-up), and of its PostgreSQL backend
                "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
                "server_cpu": (server_after - server_before)
                if server_after is not None and server_before is not None
                else None,
                "status": result.status,
                "database": f"{connection.vendor} {version}",
                "counts": result.counts,
                "snapshot_id": result.snapshot_id,
            }
        )
    )


def run_child(path: Path, env: dict[str, str]) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.import_sample", "--child", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"import failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from service.cli.main import migrate, setup_django; setup_django(); migrate()",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:4.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--year", default="2024/2025")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--sqlite", action="store_true", help="the embedded SQLite catalog instead of PostgreSQL"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, "json")
        return

    from service.sample import write_school

    work = Path(tempfile.mkdtemp(prefix="vedomost-bench-"))
    sample = work / "school.json"
    start = time.perf_counter()
    doc = write_school(sample, students=args.students, year=args.year, seed=args.seed)
    generated = time.perf_counter() - start
    reshuffled = work / "school-reformatted.json"
    for value in doc.values():
        if isinstance(value, list):
            value.reverse()  # other order and bytes, same content
    reshuffled.write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
    del doc

    url = "" if args.sqlite else args.database_url
    env = {**os.environ, "VEDOMOST_DATA_DIR": str(work / "var"), "PYTHONPATH": str(ROOT)}
    env.pop("VEDOMOST_DATABASE_URL", None)
    if url:
        env["VEDOMOST_DATABASE_URL"] = url
    load_before = os.getloadavg()
    recreate_database(url)
    try:
        migrate(env)
        first = run_child(sample, env)
        unchanged = run_child(sample, env)
        reformatted = run_child(reshuffled, env)
    finally:
        if not args.keep:
            recreate_database(url, drop_only=True)

    size_mb = sample.stat().st_size / 1e6
    print(
        f"Sample school: {args.students} students, seed {args.seed}, {args.year}; "
        f"{size_mb:.1f} MB JSON, generated in {generated:.1f} s (not timed below)"
    )
    print("Records: " + ", ".join(f"{k} {v}" for k, v in first["counts"].items()))
    where = urlsplit(url).path.lstrip("/") if url else str(work / "var")
    print(f"Database: {first['database']}, fresh ({where})")
    rows = [
        ("first import", first, TARGETS["first"]),
        ("re-import, same file", unchanged, TARGETS["unchanged"]),
        ("re-import, same data re-serialised", reformatted, (None, None)),
    ]
    ok = True
    for label, figures, (wall_target, rss_target) in rows:
        verdict = []
        if wall_target is not None:
            passed = figures["wall"] <= wall_target
            ok &= passed
            verdict.append(f"target ≤ {wall_target:.0f} s {'OK' if passed else 'MISSED'}")
        if rss_target is not None:
            passed = figures["rss_mb"] <= rss_target
            ok &= passed
            verdict.append(f"≤ {rss_target:.0f} MB {'OK' if passed else 'MISSED'}")
        print(
            f"{label:36s} wall {figures['wall']:6.2f} s; CPU: importer {figures['cpu']:4.1f} s, "
            f"database server {_seconds(figures['server_cpu'])}  "
            f"peak RSS {figures['rss_mb']:5.0f} MB  "
            f"[{figures['status']}]  {'; '.join(verdict)}"
        )
    if unchanged["status"] != "unchanged" or reformatted["status"] != "unchanged":
        print("ERROR: a re-import was not recognised as unchanged")
        ok = False
    load = os.getloadavg()
    print(
        f"Note: load average {load_before[0]:.1f} before, {load[0]:.1f} after (5 min "
        f"{load[1]:.1f}) on {os.cpu_count()} CPUs; wall times on a shared machine"
    )
    print("are noisy. CPU: user+system seconds of the import in the Python process, and of its")
    print("PostgreSQL backend process (WAL writer and checkpointer not included; SQLite runs in")
    print("the importer's process).")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
