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
