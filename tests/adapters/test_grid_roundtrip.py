"""Grid writer → grid adapter keeps every mark, attendance code, period mark and topic."""

from __future__ import annotations

import pytest

from service.journal.adapters import grid
from service.sample.export import grid_writer
from tests.adapters.compare import journal_view
from tests.adapters.factory import small_school

SUBJECTS = ("Математика", "Английский язык")


@pytest.fixture(scope="module")
def school():
    return small_school()


def _assert_same_journal(original, imported):
    for subject in SUBJECTS:
        before, after = journal_view(original, "5А", subject), journal_view(imported, "5А", subject)
        assert after.marks == before.marks
        assert after.attendance == before.attendance
        assert after.period_marks == before.period_marks
        assert after.lessons == before.lessons
        assert sum(before.marks.values()) > 50


def test_cp1251_semicolon_csv_folder_round_trips(school, tmp_path):
    """GIVEN Excel-style cp1251 `;` CSV files of a school WHEN read THEN the journal is equal."""
    paths = grid_writer.write_csv_folder(school, tmp_path / "export")
    assert any(p.name == "5А-математика.csv" for p in paths)
    raw = (tmp_path / "export" / "5А-математика.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "Учебный год:;2024/2025".encode("cp1251") in raw
    result = grid.read_with_report(tmp_path / "export")
    _assert_same_journal(school, result.snapshot)
    assert [p.id for p in result.snapshot.year.periods] == ["Q1", "Q2", "Q3", "Q4"]
    assert result.snapshot.year.periods[0].start == school.year.periods[0].start
    assert result.warnings == ()


def test_xlsx_workbook_round_trips(school, tmp_path):
    path = grid_writer.write_xlsx(school, tmp_path / "journal.xlsx")
    snapshot = grid.read(path)
    _assert_same_journal(school, snapshot)


def test_utf8_bom_comma_zip_round_trips(school, tmp_path):
    path = grid_writer.write_csv_zip(
        school, tmp_path / "journal.zip", encoding="utf-8-sig", delimiter=","
    )
    snapshot = grid.read(path)
    _assert_same_journal(school, snapshot)


def test_people_groups_and_movements_are_carried(school, tmp_path):
    grid_writer.write_csv_folder(school, tmp_path / "export")
    snapshot = grid.read(tmp_path / "export")
    by_name = {s.full_name: s for s in snapshot.students}
    assert set(by_name) == {s.full_name for s in school.students}
    rashad = by_name["Алиев Рашад Эльдар оглы"]
    assert (rashad.last_name, rashad.first_name, rashad.middle_name) == (
        "Алиев",
        "Рашад",
        "Эльдар оглы",
    )
    assert str(by_name["Смирнова Алёна Игоревна"].sex) == "F"
    assert str(rashad.sex) == "M"
    assert by_name["Соколов Никита"].left_on == school.student_by_id["s5"].left_on
    assert by_name["Попова Мария Андреевна"].enrolled_on == school.student_by_id["s4"].enrolled_on
    (klass,) = snapshot.classes
    assert sorted(g.name for g in klass.groups) == ["1 группа", "2 группа"]
    assert {len(g.student_ids) for g in klass.groups} == {3}
    teachers = {snapshot.staff_by_id[a.teacher_id].full_name for a in snapshot.assignments}
    assert teachers == {"Белова Нина Петровна", "Грин Анна Сергеевна", "Жуков Олег Ильич"}
    assert snapshot.director.full_name == "Орлова Татьяна Викторовна"
    math = next(
        a for a in snapshot.assignments if snapshot.subject_by_id[a.subject_id].name == "Математика"
    )
    assert 5.0 <= math.hours_per_week <= 6.5  # estimated from lessons per week (6 a week here)


def test_ids_are_stable_across_imports(school, tmp_path):
    grid_writer.write_csv_folder(school, tmp_path / "a")
    grid_writer.write_xlsx(school, tmp_path / "b.xlsx")
    first, second = grid.read(tmp_path / "a"), grid.read(tmp_path / "b.xlsx")
    assert [s.id for s in first.students] == [s.id for s in second.students]
    assert {m.id for m in first.marks} == {m.id for m in second.marks}
    assert first == second


def test_one_file_per_period_round_trips(school, tmp_path):
    """GIVEN quarterly printouts: a file per class-subject and quarter, «Итог» = its mark."""
    paths = grid_writer.write_csv_folder(school, tmp_path / "q", per_period=True)
    names = {p.name for p in paths}
    assert {"5А-математика-1_четв.csv", "5А-математика-4_четв-темы.csv"} <= names
    text = (tmp_path / "q" / "5А-математика-2_четв.csv").read_bytes().decode("cp1251")
    assert "Период:;2 четверть (05.11.2024–28.12.2024)" in text
    assert ";Итог\r\n" in text
    _assert_same_journal(school, grid.read(tmp_path / "q"))


def test_xlsx_per_period_round_trips(school, tmp_path):
    path = grid_writer.write_xlsx(school, tmp_path / "q.xlsx", per_period=True)
    _assert_same_journal(school, grid.read(path))
