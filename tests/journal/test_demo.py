"""``run_demo``: the sample school is generated once, imported, and the summary printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.demo import run_demo
from service.journal import models as db

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_imports_the_sample_school_once(settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    lines: list[str] = []
    first = run_demo(students=40, seed=7, echo=lines.append)
    assert first.sample_file.exists() and first.sample_file.name.endswith(".json.gz")
    assert first.imported.status == "created"
    assert first.imported.counts["students"] == 40
    assert first.imported.counts["marks"] > 0
    text = "\n".join(lines)
    assert "Создаю примерную школу: 40 учеников" in text
    assert "создан новый снимок" in text and "ученики 40" in text
    lines.clear()
    again = run_demo(students=40, seed=7, echo=lines.append)
    assert again.imported.status == "unchanged"
    assert not any("Создаю" in line for line in lines)
    assert db.Snapshot.objects.count() == 1
