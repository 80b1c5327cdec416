"""Five weeks of the embedded scheduler on a fake clock: backups, audits, monthly duties, catch-up.

Runs on the configured catalog database (SQLite by default, PostgreSQL with
``VEDOMOST_DATABASE_URL``): the backups are real dumps (SQLite backup API or ``pg_dump``) written
into two real directory stores.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from service.archive.catalog import DjangoCatalog
from service.archive.models import AuditEvent
from service.jobs.models import ScheduledRun
from service.jobs.schedule import BEAT_SCHEDULE, DUTIES, DUTY_BY_TASK, Recurrence
from service.jobs.scheduler import overview, run_duty, tick
from storage.archive import Archive
from storage.backup import KIND
from storage.catalog import EntryFilter
from storage.retention import load_schedule
from storage.stores.file import FileStore
from storage.streams import digest_chunks
from tests.storage.helpers import doc_bytes, meta

MSK = ZoneInfo("Europe/Moscow")
START = dt.datetime(2026, 9, 7, 8, 0, tzinfo=MSK)  # a Monday
END = START + dt.timedelta(weeks=5)
GAP = (dt.datetime(2026, 9, 21, 12, 0, tzinfo=MSK), dt.datetime(2026, 10, 1, 14, 0, tzinfo=MSK))
DOCUMENTS = 40


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    """Two real directory stores and the Django catalog."""
    return Archive(
        FileStore(tmp_path / "a", "A"),
        FileStore(tmp_path / "b", "B"),
        DjangoCatalog(),
        load_schedule(),
    )


def _runs(task: str) -> list[ScheduledRun]:
    return list(ScheduledRun.objects.filter(task=task).order_by("due"))


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value, MSK)


@pytest.mark.django_db(transaction=True)
def test_five_weeks_of_care_with_a_missed_week_caught_up(archive: Archive) -> None:
    """GIVEN 40 archived documents and a scheduler ticking every 3 hours for five weeks, except for
    ten days with the machine off, THEN every weekly backup lies in both stores, every document was
    re-read within 28 days, the monthly duties ran, and the missed runs were made up at restart."""
    with time_machine.travel(START - dt.timedelta(days=2), tick=False) as clock:
        for i in range(DOCUMENTS):
            archive.archive(doc_bytes(i, 256), meta(f"care-{i}"), "period-summary")
        now = START
        while now <= END:
            if not GAP[0] < now < GAP[1]:
                clock.move_to(now)
                tick(now, archive=archive)
            now += dt.timedelta(hours=3)

    # Weekly backups: the first at start (none before), every Sunday, the missed one at restart.
    backups = _runs("care.backup_catalog")
    assert [_local(r.due).date() for r in backups] == [
        dt.date(2026, 9, 6),
        dt.date(2026, 9, 13),
        dt.date(2026, 9, 20),
        dt.date(2026, 9, 27),
        dt.date(2026, 10, 4),
        dt.date(2026, 10, 11),
    ]
    caught_up = backups[3]
    assert _local(caught_up.started_at) == GAP[1] and caught_up.missed == 0
    kept = {e.document_id: e for e in archive.catalog.list_entries(EntryFilter(kind=KIND))}
    for run in backups:
        assert run.outcome == "ok" and run.finished_at is not None, run.summary
        assert "записана в оба хранилища" in run.summary
    # The rotation keeps the newest backup of each calendar week: Monday's (at start) and
    # Thursday's (the catch-up) gave way to their week's Sunday backup once their lock ended.
    assert [r.details["document_id"] in kept for r in backups] == [
        False, True, True, False, True, True
    ]  # fmt: skip
    for entry in kept.values():
        assert entry.size > 0
        for letter in "AB":  # a real object in each directory store, bytes as catalogued
            digest = digest_chunks(
                archive.stores[letter].iter_chunks(entry.key, entry.copy_version(letter))
            )
            assert digest.sha256 == entry.sha256
            assert list((Path(archive.stores[letter].root) / "objects").rglob("*"))  # type: ignore[attr-defined]

    # The rotating audit: one run a day; the ten missed days made up in one larger slice.
    audits = _runs("care.fixity_slice")
    assert all(r.outcome == "ok" for r in audits), [r.summary for r in audits if r.outcome != "ok"]
    restart = next(r for r in audits if _local(r.started_at) == GAP[1])
    assert restart.missed == 9 and restart.details["missed"] == 9
    assert restart.details["checked"] == 10 * audits[0].details["checked"]
    assert "проверено документов" in restart.summary
    checks: dict[str, list[dt.datetime]] = defaultdict(list)
    for event in AuditEvent.objects.filter(kind="fixity-check"):
        checks[event.document_id].append(event.at)
    for i in range(DOCUMENTS):
        times = [START, *sorted(checks[f"care-{i}"]), END]
        assert len(times) > 2, f"care-{i} never checked"
        longest = max(b - a for a, b in itertools.pairwise(times))
        assert longest <= dt.timedelta(days=28), f"care-{i} unchecked for {longest}"

    # Monthly duties: August's at start, September's at restart (its due time fell in the gap).
    monthly = _runs("care.monthly_duties")
    assert [(_local(r.due), r.details.get("month")) for r in monthly] == [
        (dt.datetime(2026, 9, 1, 5, 0, tzinfo=MSK), "2026-08"),
        (dt.datetime(2026, 10, 1, 5, 0, tzinfo=MSK), "2026-09"),
    ]
    assert monthly[1].summary == (
        "ежемесячные обязанности за сентябрь 2026 г.: журнал не загружен, закрывать нечего"
    )
    assert _local(monthly[1].started_at) == GAP[1]

    renewals = _runs("care.renew_timestamps")
    assert len(renewals) == 6 and all("нечего продлевать" in r.summary for r in renewals)

    # Nothing is due again at the end, and the dashboard's view knows the next due times.
    with time_machine.travel(END, tick=False):
        assert tick(END, archive=archive) == []
        status = {s.duty.task: s for s in overview(END)}
    assert _local(status["care.backup_catalog"].next_due) == dt.datetime(
        2026, 10, 18, 3, 0, tzinfo=MSK
    )
    assert not any(s.overdue for s in status.values())


@pytest.mark.django_db(transaction=True)
def test_a_due_time_runs_once_whoever_claims_it(archive: Archive) -> None:
    """GIVEN a duty already run for a due time WHEN another process (or Celery) reaches the same
    due time THEN it does not run it again."""
    duty = DUTY_BY_TASK["care.monthly_duties"]
    now = dt.datetime(2026, 11, 3, 9, 0, tzinfo=MSK)
    due = duty.recurrence.latest(now)
    first = run_duty(duty, due, now=now, archive=archive)
    assert first is not None and first.outcome == "ok"
    assert run_duty(duty, due, now=now, archive=archive) is None
    assert ScheduledRun.objects.filter(task=duty.task).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failing_duty_is_recorded_and_the_others_still_run(tmp_path: Path) -> None:
    """GIVEN both store paths blocked by plain files WHEN the scheduler ticks THEN the backup is
    recorded as failed with a Russian summary and the other duties still run."""
    for name in "ab":
        (tmp_path / name).write_text("not a directory")
    broken = Archive(
        FileStore(tmp_path / "a", "A"),
        FileStore(tmp_path / "b", "B"),
        DjangoCatalog(),
        load_schedule(),
    )
    now = dt.datetime(2026, 11, 3, 9, 0, tzinfo=MSK)
    with time_machine.travel(now, tick=False):
        runs = {r.task: r for r in tick(now, archive=broken)}
    backup = runs["care.backup_catalog"]
    assert backup.outcome == "failed" and backup.finished_at is not None
    assert backup.summary.startswith("не выполнено: ")
    assert {runs[t].outcome for t in runs if t != "care.backup_catalog"} == {"ok"}


@pytest.mark.django_db(transaction=True)
def test_a_backup_with_one_store_down_is_a_warning(tmp_path: Path) -> None:
    """GIVEN store B blocked WHEN the backup runs THEN it lands in A, waits for its second copy,
    and the run says so."""
    (tmp_path / "b").write_text("not a directory")
    half = Archive(
        FileStore(tmp_path / "a", "A"),
        FileStore(tmp_path / "b", "B"),
        DjangoCatalog(),
        load_schedule(),
    )
    duty = DUTY_BY_TASK["care.backup_catalog"]
    now = dt.datetime(2026, 11, 3, 9, 0, tzinfo=MSK)
    with time_machine.travel(now, tick=False):
        run = run_duty(duty, duty.recurrence.latest(now), now=now, archive=half)
    assert run is not None and run.outcome == "warning"
    assert "записана только в одно хранилище" in run.summary


def test_recurrences_and_their_crontabs() -> None:
    """Due times in local time, the next one, missed ones counted; beat gets the same times."""
    weekly = Recurrence("week", 3, 0, weekday=6)
    monday = dt.datetime(2026, 9, 7, 8, 0, tzinfo=MSK)
    assert weekly.latest(monday) == dt.datetime(2026, 9, 6, 3, 0, tzinfo=MSK)
    assert weekly.following(weekly.latest(monday)) == dt.datetime(2026, 9, 13, 3, 0, tzinfo=MSK)
    assert weekly.latest(dt.datetime(2026, 9, 6, 3, 0, tzinfo=MSK)).day == 6
    monthly = Recurrence("month", 5, 0, day=1)
    assert monthly.latest(dt.datetime(2026, 1, 1, 4, 0, tzinfo=MSK)) == dt.datetime(
        2025, 12, 1, 5, 0, tzinfo=MSK
    )
    assert monthly.following(dt.datetime(2025, 12, 1, 5, 0, tzinfo=MSK)).month == 1
    daily = Recurrence("day", 2, 30)
    assert daily.between(monday, monday + dt.timedelta(days=10)) == 10
    assert weekly.crontab().day_of_week == {0}  # Sunday for cron
    assert BEAT_SCHEDULE["care.backup_catalog"]["task"] == "care.backup_catalog"
    assert weekly.describe() == "еженедельно, воскресенье, 03:00"


@pytest.mark.django_db(transaction=True)
def test_two_processes_ticking_at_once_run_each_due_time_once(archive: Archive) -> None:
    """GIVEN two schedulers (threads with their own database connections, as two ``serve``
    processes would have) WHEN both tick at the same moment THEN each duty runs once."""
    import threading

    from django.db import connection

    now = dt.datetime(2026, 11, 3, 9, 0, tzinfo=MSK)
    start = threading.Barrier(2)
    made: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            made.extend(r.id for r in tick(now, archive=archive))
        except BaseException as exc:  # handed to the main thread's assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    with time_machine.travel(now, tick=False):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors
    assert len(made) == len(set(made)) == len(DUTIES)
    assert ScheduledRun.objects.count() == len(DUTIES)


@pytest.mark.django_db
def test_a_run_that_never_finished_shows_as_stalled() -> None:
    """GIVEN a run claimed seven hours ago and never finished (its process was killed) THEN the
    dashboard's view calls it stalled, and the next due time still comes."""
    duty = DUTY_BY_TASK["care.backup_catalog"]
    now = dt.datetime(2026, 11, 3, 9, 0, tzinfo=MSK)
    due = duty.recurrence.latest(now)
    ScheduledRun.objects.create(task=duty.task, due=due, started_at=now - dt.timedelta(hours=7))
    status = {s.duty.task: s for s in overview(now)}[duty.task]
    assert status.stalled and not status.overdue
    assert status.next_due == duty.recurrence.following(due)
