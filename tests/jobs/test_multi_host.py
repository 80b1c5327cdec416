"""A close done by Celery workers on two "hosts" sharing only PostgreSQL, Redis and two S3 servers.

Each worker has its own data directory and nothing on disk in common with the other or with the
process that signs; the work files (rendered and signed PDFs) live in the work bucket beside
store A, the snapshot in the catalog. One worker is killed (SIGKILL, the whole process group)
in the middle of rendering; the other takes its tasks over once the broker's visibility timeout
has passed, and the close ends archived with every document once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.fixtures.seaweed import ACCESS_KEY, SECRET_KEY
from tests.fixtures.web import _claim_redis_db, _database_url, import_sample_school, use_broker

pytestmark = [
    pytest.mark.celery,
    pytest.mark.s3,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

VISIBILITY_TIMEOUT = 30  # seconds before a dead worker's task goes to the other worker
CLASS = "5А"


def _start_worker(name: str, data_dir: Path, env: dict[str, str]) -> tuple[subprocess.Popen, Path]:
    data_dir.mkdir(parents=True)
    log = data_dir / "worker.log"
    proc = subprocess.Popen(
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
            "1",
            "--pool",
            "prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
            "-n",
            f"{name}@%h",
            f"--logfile={log}",
        ],
        env={**env, "VEDOMOST_DATA_DIR": str(data_dir)},
        cwd=str(data_dir),  # nothing relative to the checkout or a shared directory
        start_new_session=True,
    )
    return proc, log


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _succeeded(log: Path, task: str) -> int:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return sum(1 for line in text.splitlines() if task in line and "succeeded" in line)


def test_two_hosts_close_a_period_and_one_is_killed(
    seaweed_pair: tuple[object, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN two workers with separate data directories sharing only PostgreSQL, Redis and the two
    S3 servers WHEN they close Q1 of one class together and one is killed mid-render THEN the
    other finishes it: every document rendered, signed and archived exactly once (one catalog
    row, one ingest event, both copies), and the work files are gone."""
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip(
            "several hosts cannot share an SQLite catalog file; this test runs in the "
            "PostgreSQL pass of the suite"
        )
    import redis

    from service.accounts.roles import Role
    from service.accounts.snapshots import current_snapshot, forget
    from service.accounts.users import create_user
    from service.archive.models import AuditEvent, Entry
    from service.archive.wiring import get_archive
    from service.celery import app
    from service.jobs import progress, work_files
    from service.jobs.models import ItemState, JobItem, JobState, PeriodClose
    from service.jobs.period_close import advance, start_close
    from service.jobs.period_sign import (
        prepare_sign_job,
        sign_documents,
        start_archiving,
        unlock_signer,
    )
    from service.jobs.period_steps import plan_close
    from signing.demo_pki import ensure_demo_pki
    from signing.pades import SigningOptions, prepare

    server_a, server_b = seaweed_pair
    bucket = f"mh-{uuid.uuid4().hex[:10]}"
    stores = {
        "VEDOMOST_STORE_A": f"s3://{ACCESS_KEY}:{SECRET_KEY}@{server_a.endpoint}/{bucket}"
        "?secure=false",
        "VEDOMOST_STORE_B": f"s3://{ACCESS_KEY}:{SECRET_KEY}@{server_b.endpoint}/{bucket}"
        "?secure=false",
    }
    for name, value in stores.items():  # this process signs and reads through the same stores
        monkeypatch.setenv(name, value)

    redis_url, claim = _claim_redis_db()
    client = redis.Redis.from_url(redis_url)
    for key in client.keys():
        if key != b"vedomost-test-session":
            client.delete(key)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VEDOMOST_") or k in ("VEDOMOST_TEST_REDIS",)
    }
    env.update(
        stores,
        VEDOMOST_BROKER_URL=redis_url,
        VEDOMOST_RESULT_BACKEND=redis_url,
        VEDOMOST_DATABASE_URL=_database_url(),
        VEDOMOST_BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        PYTHONPATH=str(Path.cwd()),
    )
    hosts = [tmp_path / "host-1", tmp_path / "host-2"]
    workers = [_start_worker(f"host{n}", d, env) for n, d in enumerate(hosts, 1)]
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    use_broker(app, broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    try:
        deadline = time.monotonic() + 90
        while len(app.control.ping(timeout=1.0)) < 2:
            assert time.monotonic() < deadline, "the two workers did not answer"
            assert all(p.poll() is None for p, _ in workers), "a worker exited at start"

        forget()
        result = import_sample_school(tmp_path)
        snapshot = current_snapshot(result.school_id)
        director = create_user(
            "dir", result.school_id, [Role.DIRECTOR], staff_id=snapshot.school.director_id
        )
        planned = plan_close(snapshot, "Q1", {CLASS})[:10]  # enough to share and take over
        assert len(planned) == 10

        close = start_close(director, snapshot, "Q1", planned)  # queued to the workers
        (victim, victim_log), (_, survivor_log) = workers
        deadline = time.monotonic() + 180
        while _succeeded(victim_log, "vedomost.run_item") < 1:
            assert time.monotonic() < deadline, "host 1 rendered nothing"
            time.sleep(0.05)
        os.killpg(victim.pid, signal.SIGKILL)  # the host is lost mid-render
        victim.wait()
        render = close.render_job
        render.refresh_from_db()
        done_at_kill = JobItem.objects.filter(job=render, state=ItemState.DONE).count()
        assert done_at_kill < len(planned), "rendering ended before the kill: nothing to take over"

        deadline = time.monotonic() + VISIBILITY_TIMEOUT + 600
        while (close := advance(PeriodClose.objects.get(pk=close.pk))).state == "rendering":
            assert time.monotonic() < deadline, "rendering was not finished by host 2"
            time.sleep(0.5)
        assert close.state == PeriodClose.State.RENDERED, close.error
        assert _succeeded(survivor_log, "vedomost.run_item") >= 1

        # The director signs in this process (a third "host": it too reads and writes only the
        # work store); the archive stage is then queued to the surviving worker.
        pki = ensure_demo_pki(Path(os.environ["VEDOMOST_DATA_DIR"]) / "keys")
        signer = unlock_signer(pki.director_password().decode())
        close = prepare_sign_job(close, director)
        prepared = prepare(signer, SigningOptions(field_name="director", stamp=True))
        sign_documents(prepared, str(close.sign_job_id), str(close.id))
        progress.finish(str(close.sign_job_id))
        close = advance(PeriodClose.objects.get(pk=close.pk))
        assert close.state == PeriodClose.State.SIGNED, close.error
        start_archiving(close, director)
        deadline = time.monotonic() + 600
        while (close := advance(PeriodClose.objects.get(pk=close.pk))).state != "archived":
            assert close.state not in ("failed", "cancelled"), [
                (i.label, i.error) for i in JobItem.objects.filter(state=ItemState.FAILED)
            ]
            assert time.monotonic() < deadline, f"the close did not end: {close.state}"
            time.sleep(0.5)
    finally:
        use_broker(app, **saved)
        for proc, _ in workers:
            _stop(proc)
        if claim is not None:
            claim.delete("vedomost-test-session")

    # Every item of every stage done, once per document.
    ids = sorted(i.result["document_id"] for i in JobItem.objects.filter(job=close.render_job))
    assert len(ids) == len(set(ids)) == len(planned)
    for job in (close.render_job, close.sign_job, close.archive_job):
        job.refresh_from_db()
        assert job.state == JobState.DONE
        items = JobItem.objects.filter(job=job)
        assert items.count() == len(planned)
        assert set(items.values_list("state", flat=True)) == {ItemState.DONE}
    archived = JobItem.objects.filter(job=close.archive_job).values_list("key", flat=True)
    assert sorted(archived) == ids
    # The archive stage ran in batches on the surviving host (host 1 was dead by then).
    assert _succeeded(survivor_log, "vedomost.run_batch") >= 1

    # Each document archived exactly once: one catalog row (version 1), one ingest, two copies.
    rows = Entry.objects.filter(document_id__in=ids)
    assert sorted(rows.values_list("document_id", flat=True)) == ids
    assert set(rows.values_list("version", flat=True)) == {1}
    ingests = AuditEvent.objects.filter(document_id__in=ids, kind="ingest")
    assert sorted(ingests.values_list("document_id", flat=True)) == ids
    archive = get_archive()
    for document_id in ids:
        entry = archive.find(document_id)
        assert entry.state == "archived" and entry.version_a and entry.version_b
    with archive.read(ids[0]) as data:
        assert data.read(5) == b"%PDF-"

    # Nothing of the close on either host's disk; its work files are gone from the work store.
    for host in hosts:
        assert not (host / "closes").exists() and not (host / "work").exists()
        assert not list(host.glob("archive-*"))
    files = work_files.work_files()
    assert not list(files.store.list_versions(files.key("closes", str(close.id)) + "/"))
    assert files.store.identity().endswith(f"/{bucket}-work")
