"""``vedomost close``: the year close of one class, re-running it, and the Russian refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.accounts.snapshots import forget
from tests.fixtures.web import _database_url, import_sample_school

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _close(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        VEDOMOST_DATABASE_URL=_database_url(),
        PYTHONPATH=str(Path.cwd()),
        PYTHONWARNINGS="ignore",
    )
    env.pop("VEDOMOST_BROKER_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "service", "close", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_close_year_archives_the_yearly_statement_and_a_rerun_changes_nothing(
    tmp_path: Path,
) -> None:
    """GIVEN the small school WHEN `vedomost close year --classes 5А --json` runs twice THEN the
    first run archives the yearly statement, the second finds it unchanged in the archive."""
    forget()
    import_sample_school(tmp_path)
    first = _close("year", "--classes", "5А", "--workers", "1", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert (report["documents"], report["archived"], report["state_code"]) == (1, 1, "archived")
    assert report["by_kind"] == {"Сводная ведомость итоговых отметок": 1}
    assert report["period_name"] == "2024/2025 учебный год"

    again = _close("учебный год", "--classes", "5А", "--workers", "1", "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert (report["unchanged"], report["archived"], report["signed"]) == (1, 0, 0)


def test_close_refuses_bad_input_in_russian(tmp_path: Path) -> None:
    """An unknown period, an unknown class and a bad signer end with exit code 2 and a reason."""
    forget()
    import_sample_school(tmp_path)
    period = _close("Q9")
    assert period.returncode == 2 and "Неизвестный период «Q9»" in period.stderr
    assert "1 четверть" in period.stderr
    classes = _close("Q1", "--classes", "99Я")
    assert classes.returncode == 2 and "Нет таких классов: 99Я" in classes.stderr
    signer = _close("Q1", "--classes", "5А", "--sign", "bogus")
    assert signer.returncode == 2 and "неверно указан подписант" in signer.stderr
    assert "Traceback" not in period.stderr + classes.stderr + signer.stderr


def test_ctrl_c_cancels_and_the_same_command_continues(tmp_path: Path) -> None:
    """GIVEN `vedomost close Q1` rendering WHEN it gets Ctrl-C (SIGINT) THEN it exits with 130,
    the close is «отменено»; the same command again finishes it, each document archived once."""
    import signal
    import time

    from service.jobs.models import ItemState, JobItem, PeriodClose

    forget()
    import_sample_school(tmp_path)
    env = dict(
        os.environ,
        VEDOMOST_DATABASE_URL=_database_url(),
        PYTHONPATH=str(Path.cwd()),
        PYTHONWARNINGS="ignore",
    )
    env.pop("VEDOMOST_BROKER_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "service", "close", "Q1", "--classes", "5А", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # a shell may start background commands with SIGINT ignored; a terminal would not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 240
    while not JobItem.objects.filter(job__kind="period-render", state=ItemState.DONE).exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "выполните ту же команду ещё раз" in err
    assert PeriodClose.objects.get().state == PeriodClose.State.CANCELLED

    again = _close("Q1", "--classes", "5А", "--workers", "1", "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["archived"] == report["documents"] and not report["failed"]
    assert PeriodClose.objects.count() == 1


def test_close_month_archives_the_substitution_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`vedomost close month 2024-10 --payroll FILE` archives the month's substitution log and
    control reports, signed; a payroll that does not match makes the paper log due."""
    monkeypatch.setenv("VEDOMOST_PAYROLL_DIR", str(tmp_path / "kept"))
    forget()
    import_sample_school(tmp_path)
    payroll = tmp_path / "tabel.csv"
    payroll.write_text("табельный номер;месяц;оплачено часов\nt-none;10.2024;3\n", "cp1251")
    result = _close("month", "2024-10", "--payroll", str(payroll), "--workers", "1", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["period_name"] == "октябрь 2024"
    assert report["by_kind"] == {
        "Журнал замещённых уроков": 1,
        "Справка внутришкольного контроля": 3,
    }
    assert (report["archived"], report["signed"]) == (4, 4)
    assert report["month"]["paper_due"] and not report["month"]["matches_payroll"]
    assert "строка 2 табеля: учителя нет в журнале" in " ".join(report["month"]["differences"])
    outside = _close("month", "2031-10")
    assert outside.returncode == 2 and "не входит в учебный год 2024/2025" in outside.stderr
