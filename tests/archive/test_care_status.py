"""``vedomost archive status`` and the dashboard: store placement and the scheduled care."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client

from service.accounts.roles import Role
from service.accounts.users import create_user
from service.cli import main as cli_main
from service.jobs.schedule import DUTY_BY_TASK
from service.jobs.scheduler import run_duty

PASSWORD = "correct horse battery"


def _status(*args: str):  # type: ignore[no-untyped-def]
    cli_main._register()
    return CliRunner().invoke(cli_main.cli, ["archive", "status", *args], catch_exceptions=False)


def test_status_warns_when_both_stores_share_a_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    """GIVEN the default stores (two directories under the data directory) WHEN the status is
    asked THEN it warns, quoting the Положение; JSON carries the same warning."""
    monkeypatch.delenv("VEDOMOST_STORE_A", raising=False)
    monkeypatch.delenv("VEDOMOST_STORE_B", raising=False)
    result = _status()
    assert result.exit_code == 0, result.output
    assert "ВНИМАНИЕ: Хранилища A и B находятся на одном устройстве" in result.output
    assert "«на двух носителях ... в разных помещениях»" in result.output
    data = json.loads(_status("--json").stdout)
    assert "на одном устройстве" in data["placement_warning"]


def test_status_quiet_for_s3_stores_on_two_hosts(monkeypatch: pytest.MonkeyPatch, db: None) -> None:
    """Two S3 endpoints on different hosts: no warning (the status reads only the catalog)."""
    monkeypatch.setenv("VEDOMOST_STORE_A", "s3://k:s@nas.school.local:9000/archive-a")
    monkeypatch.setenv("VEDOMOST_STORE_B", "s3://k:s@s3.edu-city.ru/archive-b")
    data = json.loads(_status("--json").stdout)
    assert data["placement_warning"] is None


@pytest.mark.django_db(transaction=True)
def test_dashboard_shows_scheduled_care_and_the_placement_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN one monthly run recorded WHEN the director opens the dashboard THEN the card
    «Плановое обслуживание архива» lists every duty in Russian with its last outcome and the next
    due time, and the archive card warns about both stores on one disk."""
    monkeypatch.setenv("VEDOMOST_STORE_A", f"file://{tmp_path}/a")
    monkeypatch.setenv("VEDOMOST_STORE_B", f"file://{tmp_path}/b")
    duty = DUTY_BY_TASK["care.monthly_duties"]
    now = dt.datetime.now(dt.UTC)
    run_duty(duty, duty.recurrence.latest(now), now=now)
    create_user("director", "sch-1", [Role.DIRECTOR], password=PASSWORD, full_name="Сидоров П. А.")
    client = Client()
    client.post("/login/", {"username": "director", "password": PASSWORD})
    html = client.get("/").content.decode()
    assert "Плановое обслуживание архива" in html
    for title in ("Резервная копия каталога", "Проверка сохранности копий",
                  "Продление архивных штампов времени", "Ежемесячные обязанности"):  # fmt: skip
        assert title in html
    assert "ежемесячные обязанности за" in html and "выполнено" in html
    assert "ещё не выполнялась" in html and "еженедельно, воскресенье, 03:00" in html
    assert 'id="placement-warning"' in html and "на одном устройстве" in html


@pytest.mark.django_db(transaction=True)
def test_worker_once_runs_what_is_due_and_then_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN a fresh catalog WHEN ``vedomost worker --once`` runs (from cron) THEN every duty runs
    once with a Russian line each; run again at once THEN nothing is due."""
    monkeypatch.setenv("VEDOMOST_STORE_A", f"file://{tmp_path}/a")
    monkeypatch.setenv("VEDOMOST_STORE_B", f"file://{tmp_path}/b")
    cli_main._register()
    runner = CliRunner()
    first = runner.invoke(cli_main.cli, ["worker", "--once"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "Резервная копия каталога: выполнено — резервная копия catalog-backup-" in first.output
    assert "Проверка сохранности копий: выполнено — проверено документов: 1 из 1" in first.output
    assert "нечего продлевать" in first.output
    assert "Ежемесячные обязанности" in first.output and "закрывать нечего" in first.output
    assert list((tmp_path / "b" / "objects" / "catalog-backup").iterdir())
    again = runner.invoke(cli_main.cli, ["worker", "--once"], catch_exceptions=False)
    assert again.exit_code == 0 and "Наступивших задач нет." in again.output
