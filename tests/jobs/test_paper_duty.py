"""The weekly duty «Выписки для семей без интернета» on a fake clock, over the sample school.

Runs on the configured catalog database (SQLite by default, PostgreSQL with
``VEDOMOST_DATABASE_URL``); the batch PDFs are real renders, read back by their text.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine
from django.utils import timezone

from service.archive.catalog import DjangoCatalog
from service.jobs.models import ScheduledRun
from service.jobs.schedule import (
    DUTY_BY_TASK,
    PAPER_STATEMENTS,
    Recurrence,
    paper_statements_recurrence,
)
from service.jobs.scheduler import tick
from service.orders.models import StatementIssue
from service.orders.paper import paper_families
from service.orders.statement_register import SCHEDULED, batch_folder, current_period
from storage.archive import Archive
from storage.retention import load_schedule
from storage.stores.file import FileStore

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    """Two real directory stores and the Django catalog (the other duties tick too)."""
    return Archive(
        FileStore(tmp_path / "a", "A"),
        FileStore(tmp_path / "b", "B"),
        DjangoCatalog(),
        load_schedule(),
    )


def test_the_duty_is_weekly_on_friday_at_two_by_default() -> None:
    duty = DUTY_BY_TASK[PAPER_STATEMENTS]
    assert duty.title == "Выписки для семей без интернета"
    assert duty.recurrence == Recurrence("week", 14, 0, weekday=4)
    assert duty.recurrence.describe() == "еженедельно, пятница, 14:00"


def test_the_day_and_time_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEDOMOST_PAPER_STATEMENTS_AT", "понедельник 09:30")
    assert paper_statements_recurrence() == Recurrence("week", 9, 30, weekday=0)


@pytest.mark.django_db(transaction=True)
def test_three_weeks_of_paper_batches_with_a_missed_week(
    imported_school: object, archive: Archive
) -> None:
    """GIVEN the sample school with paper families WHEN the scheduler ticks every hour for three
    weeks, with the machine off over the second Friday, THEN every Friday at 14:00 (and the missed
    one at restart) each class with paper families gets one batch, recorded in the register as
    issued on paper pending acknowledgement, covering the current period; nothing twice."""
    snapshot = imported_school
    expected = {
        c.id: len(paper_families(snapshot, c.id))
        for c in snapshot.classes
        if paper_families(snapshot, c.id)
    }
    assert expected, "the sample school has paper families"
    period = current_period(snapshot, dt.date(2026, 12, 7))
    start = dt.datetime(2026, 12, 7, 8, 0, tzinfo=MSK)  # a Monday
    gap = (
        dt.datetime(2026, 12, 18, 10, 0, tzinfo=MSK),
        dt.datetime(2026, 12, 21, 9, 0, tzinfo=MSK),
    )
    now = start
    with time_machine.travel(start, tick=False) as clock:
        while now <= start + dt.timedelta(weeks=3):
            if not gap[0] < now < gap[1]:
                clock.move_to(now)
                tick(now, archive=archive)
            now += dt.timedelta(hours=1)

    runs = list(ScheduledRun.objects.filter(task=PAPER_STATEMENTS).order_by("due"))
    # First start catches up the Friday before; the Friday the machine was off runs at restart.
    assert [timezone.localtime(r.due, MSK).date() for r in runs] == [
        dt.date(2026, 12, 4),
        dt.date(2026, 12, 11),
        dt.date(2026, 12, 18),
        dt.date(2026, 12, 25),
    ]
    assert all(r.outcome == "ok" for r in runs), [r.summary for r in runs]
    assert "ждут отметки об ознакомлении" in runs[1].summary

    # Issued on the day each run ran: the catch-up at first start (Monday), the Fridays, and the
    # missed Friday at the restart on Monday the 21st.
    rows = StatementIssue.objects.filter(school_id=snapshot.school.id, issued_by=SCHEDULED)
    days = (
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 11),
        dt.date(2026, 12, 21),
        dt.date(2026, 12, 25),
    )
    assert sorted(set(rows.values_list("issued_on", flat=True))) == list(days)
    for day in days:
        per_class: dict[str, int] = {}
        for r in rows.filter(issued_on=day):
            per_class[r.class_id] = per_class.get(r.class_id, 0) + 1
            assert (r.method, r.period_id, r.acknowledged_on) == ("paper", period.id, None)
        assert per_class == expected, day
    batches = {r.batch: r for r in rows.filter(issued_on=dt.date(2026, 12, 11))}
    assert len(batches) == len(expected)
    row = next(iter(batches.values()))
    pdf = (batch_folder(snapshot.school.id) / row.file).read_bytes()
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    student = snapshot.student_by_id[row.student_id]
    assert student.full_name in " ".join(text.split()) and "С информацией ознакомлен" in text
