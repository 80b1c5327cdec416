"""The adapter registry: grid and OneRoster exports go through the same checks and store."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.journal import adapters
from service.journal.errors import InvalidInput
from service.journal.importer import import_file
from service.sample.export import grid_writer, oneroster_writer
from tests.adapters.factory import small_school

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def school():
    return small_school()


def test_grid_and_oneroster_exports_import_through_the_registry(school, tmp_path: Path) -> None:
    xlsx = grid_writer.write_xlsx(school, tmp_path / "journal.xlsx")
    roster = oneroster_writer.write_zip(school, tmp_path / "oneroster.zip")
    grid_result = import_file(xlsx)
    assert grid_result.status == "created" and grid_result.counts["marks"] == len(school.marks)
    roster_result = import_file(roster)
    assert roster_result.status in ("created", "unchanged")
    assert roster_result.counts["marks"] == len(school.marks)
    assert import_file(xlsx).status == "unchanged"


def test_other_adapters_output_is_checked_too(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(adapters.ADAPTERS, "broken", "tests.journal.broken_adapter")
    path = tmp_path / "export.bin"
    path.write_bytes(b"anything")
    with pytest.raises(InvalidInput) as info:
        import_file(path, "broken")
    assert [str(p) for p in info.value.problems] == [
        "export.bin, marks № 1 (id «mk-1»), поле «student_id»: неизвестный ученик «ghost»"
    ]


def test_an_adapter_that_is_not_installed_is_reported(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(adapters.ADAPTERS, "future", "service.journal.adapters.not_written_yet")
    path = tmp_path / "x.dat"
    path.write_bytes(b"x")
    with pytest.raises(InvalidInput, match="формат «future» в этой установке не поддерживается"):
        import_file(path, "future")
