"""The year's inventory when the web wizard signs in one thread and archives in another."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from service.jobs.models import PeriodClose

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_embedded_web_year_close_archives_the_inventory_after_the_archive_thread(
    tmp_path: Path,
) -> None:
    """GIVEN the embedded default (tasks in this process) and a year close of 9А and the
    school-wide documents WHEN the director signs as the wizard does (a signing thread, which
    starts the archive job in a thread of its own) THEN the signing thread waits for the archive
    and the year's inventory is archived once, signed."""
    from django.contrib.auth import get_user_model

    from service.accounts.snapshots import forget
    from service.archive.wiring import get_archive
    from service.jobs.close_engine import open_close
    from service.jobs.close_plan import resolve_target
    from service.jobs.monthly import scheduled_signer
    from service.jobs.period_close import advance, closing_report
    from service.jobs.period_sign import start_signing
    from service.jobs.tasks import in_process, run_inline
    from service.journal.store import latest_snapshot
    from storage.catalog import EntryFilter
    from storage.year_inventory import YEAR_INVENTORY
    from tests.fixtures.web import import_sample_school

    assert in_process()
    forget()
    import_sample_school(tmp_path)
    snapshot = latest_snapshot()
    user = get_user_model().objects.create_user("director-t", password="x")
    close, _ = open_close(user, snapshot, resolve_target(snapshot, "year"), {"9А", "—"})
    assert close.render_job is not None
    run_inline(close.render_job)
    close = advance(PeriodClose.objects.get(pk=close.pk))
    assert close.state == PeriodClose.State.RENDERED, close.error

    start_signing(close, scheduled_signer(), user)  # not inline: the wizard's way
    (thread,) = [t for t in threading.enumerate() if t.name == f"sign-{close.id}"]
    thread.join(timeout=300)
    assert not thread.is_alive()

    close = PeriodClose.objects.get(pk=close.pk)
    assert close.state == PeriodClose.State.ARCHIVED, close.error
    (inventory,) = get_archive().catalog.list_entries(EntryFilter(kind=YEAR_INVENTORY))
    assert inventory.version == 1 and inventory.signature_level == "B-B"
    assert inventory.extra["close_id"] == str(close.id)
    assert "версия 1" in closing_report(close).inventory
