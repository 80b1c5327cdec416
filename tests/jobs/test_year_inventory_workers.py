"""The year's inventory (опись) when a web close archives through a REAL Celery worker on Redis."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from service.jobs import progress
from service.jobs.models import PeriodClose

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _wait_job(job_id: str, timeout: float = 240) -> progress.JobStatus:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = progress.status(job_id)
        if status.finished:
            return status
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish: {progress.status(job_id)}")


def _wait_archive_job(close_pk: object, timeout: float = 240) -> PeriodClose:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close = PeriodClose.objects.get(pk=close_pk)
        if close.archive_job_id is not None:
            _wait_job(str(close.archive_job_id), max(1.0, deadline - time.monotonic()))
            return PeriodClose.objects.get(pk=close_pk)
        if close.state == PeriodClose.State.FAILED:
            raise AssertionError(close.error)
        time.sleep(0.3)
    raise AssertionError("the close never reached the archive stage")


def test_web_year_close_with_workers_archives_one_inventory(
    celery_worker: object, tmp_path: Path
) -> None:
    """GIVEN the small school and a year close of 9А and the school-wide documents whose render
    and archive stages run in the Celery worker WHEN the director signs in the web process THEN
    the worker that finishes the last archive item (or the waiting signing thread, whichever
    claims it first) archives the year's inventory once, signed, listing
    the archived records; making it again, at once from two threads, adds no version."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from service.accounts.snapshots import forget
    from service.archive.wiring import get_archive
    from service.jobs.close_engine import open_close
    from service.jobs.close_plan import resolve_target
    from service.jobs.monthly import scheduled_signer
    from service.jobs.period_close import advance, closing_report
    from service.jobs.period_sign import start_signing
    from service.jobs.tasks import in_process, start_job
    from service.jobs.year_inventory import inventory_signer, make_inventory_once
    from service.journal.store import latest_snapshot
    from signing.validate import validate
    from storage.catalog import EntryFilter
    from storage.year_inventory import YEAR_INVENTORY
    from tests.fixtures.web import import_sample_school

    assert not in_process()  # the fixture points Celery at the worker
    forget()
    import_sample_school(tmp_path)
    snapshot = latest_snapshot()
    user = get_user_model().objects.create_user("director-w", password="x")
    close, _ = open_close(user, snapshot, resolve_target(snapshot, "year"), {"9А", "—"})
    assert close.render_job is not None
    start_job(close.render_job)  # rendered by the worker
    _wait_job(str(close.render_job_id))
    close = advance(PeriodClose.objects.get(pk=close.pk))
    assert close.state == PeriodClose.State.RENDERED, close.error

    start_signing(close, scheduled_signer(), user)  # a thread here; archiving goes to the worker
    close = _wait_archive_job(close.pk)
    job = close.archive_job
    assert job is not None
    assert job.state == "done", job.error
    # The worker's finisher makes it, unless the signing thread (which waits for the workers
    # too) claimed it first: either way it is made once.
    assert job.result.get("inventory"), job.result
    for thread in threading.enumerate():
        if thread.name == f"sign-{close.id}":
            thread.join(timeout=120)
            assert not thread.is_alive()
    close = advance(PeriodClose.objects.get(pk=close.pk))
    assert close.state == PeriodClose.State.ARCHIVED, close.error

    archive = get_archive()
    (inventory,) = archive.catalog.list_entries(EntryFilter(kind=YEAR_INVENTORY))
    assert inventory.version == 1
    assert job.result.get("version", 1) == 1
    records = [
        e
        for e in archive.catalog.list_entries(EntryFilter(year=snapshot.year.id))
        if e.kind != YEAR_INVENTORY
    ]
    assert records and inventory.extra["documents"] == str(len(records))
    pdf = archive.read(inventory.document_id).read()
    report = validate(pdf, [])
    assert [s.field_name for s in report.signatures] == ["director"]
    assert "версия 1" in closing_report(close).inventory

    # Two processes finishing at once (a retry racing the first finisher): one inventory.
    prepared = inventory_signer(scheduled_signer())
    outcomes: list[object] = []

    def again() -> None:
        try:
            outcomes.append(make_inventory_once(close, prepared, "director-w"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=again) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2
    assert all(o is None or o.reused for o in outcomes), outcomes  # type: ignore[attr-defined]
    assert [e.version for e in archive.versions(inventory.document_id)] == [1]
