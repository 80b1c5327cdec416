"""Many schools closing a period at once on shared Celery workers: throughput and fairness.

Run: ``python -m bench.schools [--schools 5] [--students 200] [--workers 1,2] [--window N]``.

Sample schools (``--students`` each, seeds 1…N, their own ids and names) are generated once.
Then, for each worker count, a fresh data directory and catalog (SQLite; or a fresh PostgreSQL
database per run with ``--postgres URL``), the schools imported, a real ``celery worker`` with that
many processes started on Redis (a claimed database 9–15 of 127.0.0.1:6379, or ``--broker``),
and every school's close of ``--period`` opened at the same moment. The bench process plays the
directors: when a school's documents are rendered it signs them (one key unlock, as the web
wizard does) and the archive job goes to the workers. It prints, per run: wall time until every
close is archived, documents per second, and the spread of the schools' finish times (render
stage and whole close: first, last, first/last ratio; 1.0 means the schools finished together).

``--window 100000`` turns the job window off (first come, first served) for a comparison.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REDIS_BASE = "redis://127.0.0.1:6379"


def _claim_redis() -> tuple[str, Any]:
    """A Redis database 9–15 nobody else holds (the tests' ``SET NX`` claim), emptied."""
    import redis

    for db in range(9, 16):
        client = redis.Redis.from_url(f"{REDIS_BASE}/{db}")
        if client.set("vedomost-test-session", f"bench {os.getpid()}", nx=True, ex=7200):
            for key in client.keys():
                if key != b"vedomost-test-session":
                    client.delete(key)
            return f"{REDIS_BASE}/{db}", client
    raise SystemExit("every Redis database 9–15 is in use by test runs; try again later")


def _generate(directory: Path, schools: int, students: int) -> list[Path]:
    from service.sample import generate_school

    paths = []
    for i in range(1, schools + 1):
        data = generate_school(students=students, year="2024/2025", seed=i)
        number = 100 + i
        data["school"].update(
            {
                "id": f"bench-school-{i}",
                "short_name": f"МБОУ СОШ № {number}",
                "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Средняя "
                f"общеобразовательная школа № {number}» г. Новоозёрска",
            }
        )
        path = directory / f"school-{i}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


def _fresh_postgres(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def _drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=5)
    parser.add_argument("--students", type=int, default=200, help="students of each school")
    parser.add_argument("--workers", default="1,2", help="worker process counts to run with")
    parser.add_argument("--period", default="Q1")
    parser.add_argument(
        "--classes", type=int, default=0, help="close only the first N classes (0: every class)"
    )
    parser.add_argument("--window", type=int, default=0, help="VEDOMOST_JOB_WINDOW (0: default)")
    parser.add_argument("--postgres", default="", help="server URL: a fresh database per run")
    parser.add_argument("--broker", default="", help="Redis URL (default: a claimed test db)")
    parser.add_argument("--timeout", type=float, default=7200, help="seconds per run at most")
    parser.add_argument("--run-one", help=argparse.SUPPRESS)  # internal: one run, JSON out
    args = parser.parse_args(argv)
    if args.run_one:
        return _run_one(json.loads(args.run_one))

    tmp = Path(tempfile.mkdtemp(prefix="vedomost-bench-schools-"))
    broker, claim = (args.broker, None) if args.broker else _claim_redis()
    try:
        started = time.perf_counter()
        paths = _generate(tmp, args.schools, args.students)
        print(
            f"{args.schools} schools × {args.students} students generated in "
            f"{time.perf_counter() - started:.1f} s; close {args.period}"
            f"{f' of the first {args.classes} classes' if args.classes else ''}; "
            f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores",
            flush=True,
        )
        results = []
        for workers in [int(w) for w in args.workers.split(",") if w.strip()]:
            run_dir = tmp / f"run-{workers}"
            run_dir.mkdir()
            db_name = f"vedomost_bench_schools_{os.getpid()}_{workers}"
            database = _fresh_postgres(args.postgres, db_name) if args.postgres else ""
            spec = {
                "data_dir": str(run_dir),
                "schools": [str(p) for p in paths],
                "workers": workers,
                "period": args.period,
                "classes": args.classes,
                "window": args.window,
                "database": database,
                "broker": broker,
                "timeout": args.timeout,
            }
            try:
                out = subprocess.run(
                    [sys.executable, "-m", "bench.schools", "--run-one", json.dumps(spec)],
                    stdout=subprocess.PIPE,
                    text=True,
                    check=False,
                )
            finally:
                if args.postgres:
                    _drop_postgres(args.postgres, db_name)
            lines = [x for x in out.stdout.splitlines() if x.startswith("{")]
            if out.returncode or not lines:
                print(out.stdout)
                raise SystemExit(f"the run with {workers} worker process(es) failed")
            result = json.loads(lines[-1])
            results.append(result)
            _print_run(result)
        return 0
    finally:
        if claim is not None:
            claim.delete("vedomost-test-session")
        shutil.rmtree(tmp, ignore_errors=True)


def _spread(values: list[float]) -> str:
    low, high = min(values), max(values)
    ratio = low / high if high else 1.0
    return f"first {low:7.1f} s, last {high:7.1f} s, first/last {ratio:4.2f}"


def _print_run(r: dict[str, Any]) -> None:
    docs = sum(s["documents"] for s in r["schools"])
    print(
        f"\n{r['workers']} worker process(es), window {r['window']}, {r['database']}: "
        f"{docs} documents in {r['wall']:.1f} s = {docs / r['wall']:.2f} documents/s "
        f"(load {r['load']:.2f})"
    )
    print(f"  {'school':16} {'docs':>5} {'rendered, s':>12} {'archived, s':>12} state")
    for s in r["schools"]:
        print(
            f"  {s['school']:16} {s['documents']:5d} {s['rendered']:12.1f} "
            f"{s['archived']:12.1f} {s['state']}"
        )
    print("  render finish: " + _spread([s["rendered"] for s in r["schools"]]))
    print("  close finish:  " + _spread([s["archived"] for s in r["schools"]]))
    mean = statistics.mean(s["archived"] for s in r["schools"])
    print(f"  mean close finish {mean:.1f} s", flush=True)


def _run_one(spec: dict[str, Any]) -> int:
    """One run in its own process (the settings are read once per process)."""
    data_dir = Path(spec["data_dir"])
    os.environ["VEDOMOST_DATA_DIR"] = str(data_dir)
    os.environ["VEDOMOST_BROKER_URL"] = spec["broker"]
    os.environ["VEDOMOST_RESULT_BACKEND"] = spec["broker"]
    if spec["window"]:
        os.environ["VEDOMOST_JOB_WINDOW"] = str(spec["window"])
    if spec["database"]:
        os.environ["VEDOMOST_DATABASE_URL"] = spec["database"]
    else:
        os.environ.pop("VEDOMOST_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service.settings")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from service import library_warnings

    library_warnings.quiet()
    from service.accounts.roles import Role
    from service.accounts.snapshots import current_snapshot
    from service.accounts.users import create_user
    from service.journal.importer import import_file

    directors, snapshots = [], []
    for path in spec["schools"]:
        result = import_file(path)
        snapshot = current_snapshot(result.school_id)
        snapshots.append(snapshot)
        directors.append(
            create_user(
                f"director-{result.school_id}",
                result.school_id,
                [Role.DIRECTOR],
                staff_id=snapshot.school.director_id,
            )
        )
    worker = _start_worker(spec, data_dir)
    try:
        return _close_all(spec, snapshots, directors, str(settings.JOB_WINDOW))
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def _start_worker(spec: dict[str, Any], data_dir: Path) -> subprocess.Popen[bytes]:
    from django.db import connection

    from service.celery import app

    env = dict(os.environ, PYTHONPATH=str(Path.cwd()))
    if connection.vendor == "sqlite":
        env["VEDOMOST_DATABASE_URL"] = f"sqlite:///{connection.settings_dict['NAME']}"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "service.celery",
            "worker",
            "-Q",
            "render,archive,celery",
            "-c",
            str(spec["workers"]),
            "--pool",
            "prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
            "-n",
            f"vedomost-bench-{os.getpid()}@%h",
            f"--logfile={data_dir / 'worker.log'}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # its log file has everything
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while not app.control.ping(timeout=1.0):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the Celery worker did not start; see {data_dir / 'worker.log'}")
    return worker


def _close_all(
    spec: dict[str, Any], snapshots: list[Any], directors: list[Any], window: str
) -> int:
    from django.db import connection

    from service.jobs.close_engine import open_close
    from service.jobs.close_plan import resolve_target
    from service.jobs.models import PeriodClose
    from service.jobs.period_close import advance
    from service.jobs.period_sign import start_signing, unlock_signer
    from signing.demo_pki import ensure_demo_pki

    pki = ensure_demo_pki(Path(spec["data_dir"]) / "keys")
    signer = unlock_signer(pki.director_password().decode())
    began = time.time()
    closes = []
    for snapshot, director in zip(snapshots, directors, strict=True):
        target = resolve_target(snapshot, spec["period"])
        chosen = None
        if spec["classes"]:
            ordered = sorted(snapshot.classes, key=lambda c: (c.grade, c.letter))
            chosen = {c.id for c in ordered[: spec["classes"]]}
        close, _ = open_close(director, snapshot, target, chosen, start=True)
        closes.append(close)
    signing: set[Any] = set()
    ended = (PeriodClose.State.ARCHIVED, PeriodClose.State.FAILED, PeriodClose.State.CANCELLED)
    deadline = time.monotonic() + float(spec["timeout"])
    while True:
        states = []
        for close, director in zip(closes, directors, strict=True):
            close = advance(PeriodClose.objects.get(pk=close.pk))
            if close.state == PeriodClose.State.RENDERED and close.pk not in signing:
                signing.add(close.pk)
                start_signing(close, signer, director, confirm_signer="замер производительности")
            states.append(close.state)
        if all(s in ended for s in states):
            break
        if time.monotonic() > deadline:
            print(f"timeout; states: {states}", file=sys.stderr)
            return 1
        time.sleep(0.3)
    rows = []
    for close in closes:
        close = PeriodClose.objects.select_related("render_job", "archive_job").get(pk=close.pk)
        render, archive = close.render_job, close.archive_job
        rows.append(
            {
                "school": close.school_id,
                "documents": render.total,
                "state": close.state,
                "rendered": render.finished_at.timestamp() - began if render.finished_at else -1,
                "archived": (
                    archive.finished_at.timestamp() - began
                    if archive is not None and archive.finished_at
                    else -1
                ),
            }
        )
    wall = max(r["archived"] for r in rows)
    with contextlib.suppress(Exception):
        connection.close()
    print(
        json.dumps(
            {
                "workers": spec["workers"],
                "window": window,
                "database": "PostgreSQL" if spec["database"] else "SQLite",
                "wall": wall,
                "load": os.getloadavg()[0],
                "schools": rows,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
