"""Benchmarks of the service (figures are noisy on a shared machine; run it, do not assert).

1. ``python -m bench.web_statement`` — a class teacher's single statement for a parent over HTTP:
   ``vedomost serve`` on 127.0.0.1:18450, N concurrent users (default 10: class teachers of
   different classes) each asking for a statement every 5 s. First every user prints its
   students in turn, each once (every statement is rendered: the cache cannot help), then
   repeats some of them (cache hits). Prints p50 / p95 / p99 / max from request to the last byte
   of the PDF, throughput, the server's CPU per request (all its processes), the server's
   configuration and the machine load. Targets: p50 ≤ 300 ms, p95 ≤ 600 ms.
2. ``python -m bench.web_statement --close`` — the period close of the sample school with two
   Celery worker processes on Redis (db 8): render on the workers, sign once in this process,
   archive on the workers; prints the time of each stage and where it goes.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

PORT = 18450
REDIS = "redis://127.0.0.1:6379/8"


def _setup(students: int) -> tuple[str, object]:
    """Django on a fresh data directory; import the sample school; return (school id, snapshot)."""
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service.settings")
    django.setup()
    call_command("migrate", verbosity=0)
    from service.accounts.snapshots import current_snapshot
    from service.journal.importer import import_file
    from service.sample import write_school

    path = Path(os.environ["VEDOMOST_DATA_DIR"]) / "school.json.gz"
    clock = time.perf_counter()
    write_school(path, students=students, year="2024/2025", seed=7)
    result = import_file(path)
    print(
        f"sample school: {students} students, generated and imported in "
        f"{time.perf_counter() - clock:.1f} s"
    )
    return result.school_id, current_snapshot(result.school_id)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _session(base: str, username: str, password: str) -> object:
    import requests

    session = requests.Session()
    page = session.get(base + "/login/", timeout=30).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = session.post(
        base + "/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/login/"},
        timeout=30,
    )
    response.raise_for_status()
    return session


def _server_cpu(pid: int) -> float:
    """User+system CPU seconds of the server: its process and every child it forked."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    pids += [int(c) for c in children]
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} CPUs"


def _phase(
    label: str,
    sessions: list[object],
    urls: list[list[str]],
    seconds: float,
    interval: float,
    server_pid: int,
) -> list[list[str]]:
    """Each user asks for its next URL every ``interval`` s for ``seconds``; print the figures.

    Returns the URLs each user got a PDF for.
    """
    users = len(sessions)
    served: list[list[str]] = [[] for _ in sessions]
    latencies: list[float] = []
    errors: list[bytes] = []
    lock = threading.Lock()
    load_before = _load()
    cpu_before = _server_cpu(server_pid)
    began = time.monotonic()
    stop = began + seconds

    def user(index: int) -> None:
        queue = list(urls[index])
        next_at = time.monotonic() + interval * index / users
        while queue:
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if time.monotonic() >= stop:
                return
            started = time.perf_counter()
            target = queue.pop(0)
            try:
                response = sessions[index].get(target, timeout=120)  # type: ignore[attr-defined]
                body = response.content
                ok = response.status_code == 200 and body.startswith(b"%PDF")
            except OSError as exc:
                ok, body = False, str(exc).encode()
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                    served[index].append(target)
                else:
                    errors.append(body[:80])
            next_at += interval

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - began
    cpu = _server_cpu(server_pid) - cpu_before
    done = len(latencies) + len(errors)
    print(f"{label}: {len(latencies)} ok, {len(errors)} errors in {wall:.0f} s")
    if latencies:
        ms = [v * 1000 for v in latencies]
        print(
            f"  latency ms: p50 {statistics.median(ms):.0f}, p95 {_percentile(ms, 0.95):.0f}, "
            f"p99 {_percentile(ms, 0.99):.0f}, max {max(ms):.0f} "
            f"(targets: p50 ≤ 300, p95 ≤ 600)"
        )
        print(
            f"  throughput {len(latencies) / wall:.2f} statements/s; server CPU "
            f"{cpu * 1000 / max(done, 1):.0f} ms per request ({cpu:.1f} s in all)"
        )
    print(f"  {load_before} before, {_load()} after")
    return served


def bench_statement(
    students: int, users: int, seconds: float, interval: float, repeat: float
) -> None:
    """The statement load test: ``users`` class teachers of different classes."""
    school_id, snapshot = _setup(students)
    from service.accounts.roles import Role
    from service.accounts.users import create_user

    classes, teachers = [], set()
    for school_class in snapshot.classes:
        if school_class.grade >= 5 and school_class.teacher_id not in teachers:
            classes.append(school_class)
            teachers.add(school_class.teacher_id)
    classes = classes[:users]
    password = secrets.token_urlsafe(12)
    pupils = {}
    for index, school_class in enumerate(classes):
        create_user(
            f"bench-ct{index}",
            school_id,
            [Role.CLASS_TEACHER],
            password=password,
            staff_id=school_class.teacher_id,
        )
        pupils[index] = [s.id for s in snapshot.students_of_class[school_class.id] if not s.left_on]
    processes = int(os.environ.get("BENCH_PROCESSES", "0"))
    env = dict(os.environ, PYTHONPATH=str(Path.cwd()))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service",
            "serve",
            "--port",
            str(PORT),
            "--no-demo-users",
            "--no-scheduler",  # the archive care made up at start is not what is measured
            "--processes",
            str(processes),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        clock = time.perf_counter()
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/login/", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        print(f"server up in {time.perf_counter() - clock:.1f} s (journal loaded, warmed up)")
        from service.cli.web import server_description

        print(f"server: {server_description(processes)}; no embedded scheduler")
        sessions = [_session(base, f"bench-ct{i}", password) for i in range(len(classes))]

        def url(index: int, student_id: str) -> str:
            return f"{base}/classes/{classes[index].id}/statement/{student_id}.pdf?period=Q1"

        rng = random.Random(7)
        first: list[list[str]] = []
        for index in range(len(classes)):
            order = pupils[index][:]
            rng.shuffle(order)
            first.append([url(index, sid) for sid in order])
        cache = "off" if os.environ.get("VEDOMOST_STATEMENT_CACHE") == "0" else "on"
        print(
            f"{len(classes)} class teachers of different classes, each asking for a statement "
            f"every {interval:g} s; statement cache {cache}"
        )
        printed = _phase(
            "first prints (each student once: every statement rendered)",
            sessions,
            first,
            seconds,
            interval,
            server.pid,
        )
        if repeat > 0:
            again = [[rng.choice(p) for _ in range(100)] if p else [] for p in printed]
            _phase(
                "repeat prints (students printed above)",
                sessions,
                again,
                repeat,
                interval,
                server.pid,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def bench_close(students: int, period: str) -> None:
    """The period close with two Celery worker processes."""
    _school_id, snapshot = _setup(students)
    import redis

    from service.celery import app
    from service.jobs import progress
    from service.jobs.models import JobItem, PeriodClose
    from service.jobs.period_close import advance, start_close
    from service.jobs.period_sign import start_signing, unlock_signer
    from service.jobs.period_steps import plan_close

    redis.Redis.from_url(REDIS).flushdb()
    env = dict(
        os.environ,
        VEDOMOST_BROKER_URL=REDIS,
        VEDOMOST_RESULT_BACKEND=REDIS,
        PYTHONPATH=str(Path.cwd()),
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "service.celery",
            "worker",
            "-Q",
            "render,sign,archive,audit,celery",
            "-c",
            "2",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        env=env,
        start_new_session=True,
    )
    app.conf.update(broker_url=REDIS, result_backend=REDIS, task_always_eager=False)
    try:
        while not app.control.ping(timeout=1.0):
            time.sleep(0.5)
        from signing.demo_pki import ensure_demo_pki

        pki = ensure_demo_pki(Path(os.environ["VEDOMOST_DATA_DIR"]) / "keys")
        planned = plan_close(snapshot, period)
        total = time.perf_counter()
        close = start_close(None, snapshot, period, planned)  # queued on commit
        status = _wait(progress, str(close.render_job_id))
        render_s = time.perf_counter() - total
        item_s = [i.seconds for i in JobItem.objects.filter(job=close.render_job) if i.seconds]
        print(
            f"render: {status.done}/{status.total} documents in {render_s:.1f} s on 2 worker "
            f"processes; per document {statistics.mean(item_s):.2f} s mean, "
            f"{_percentile(item_s, 0.95):.2f} s p95 (sum {sum(item_s):.0f} s)"
        )
        close = advance(PeriodClose.objects.get(pk=close.pk))
        clock = time.perf_counter()
        signer = unlock_signer(pki.director_password().decode())
        start_signing(close, signer, None, inline=True)
        close = PeriodClose.objects.get(pk=close.pk)
        sign_s = time.perf_counter() - clock
        print(
            f"sign: {close.sign_job.total} documents in {sign_s:.1f} s (this process, one unlock)"
        )
        clock = time.perf_counter()
        status = _wait(progress, str(close.archive_job_id))
        print(
            f"archive: {status.done}/{status.total} in {time.perf_counter() - clock:.1f} s "
            f"(workers; both stores written and read back)"
        )
        print(
            f"period close total: {time.perf_counter() - total:.1f} s for {len(planned)} documents"
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)


def _wait(progress: object, job_id: str) -> object:
    while not (status := progress.status(job_id)).finished:  # type: ignore[attr-defined]
        time.sleep(0.5)
    return status


def main() -> None:
    """Parse the arguments and run one benchmark in a fresh data directory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--close", action="store_true", help="benchmark the period close instead")
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument(
        "--repeat", type=float, default=20.0, help="seconds of repeat prints (0: none)"
    )
    parser.add_argument("--period", default="Q1")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="render every statement (no cache of rendered statements)",
    )
    parser.add_argument("--processes", type=int, default=0, help="server processes (0: cores)")
    args = parser.parse_args()
    os.environ["VEDOMOST_DATA_DIR"] = tempfile.mkdtemp(prefix="vedomost-bench-")
    os.environ.pop("VEDOMOST_BROKER_URL", None)
    if args.no_cache:
        os.environ["VEDOMOST_STATEMENT_CACHE"] = "0"
    os.environ["BENCH_PROCESSES"] = str(args.processes)
    if args.close:
        bench_close(args.students, args.period)
    else:
        bench_statement(args.students, args.users, args.seconds, args.interval, args.repeat)


if __name__ == "__main__":
    main()
