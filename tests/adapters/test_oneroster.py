"""OneRoster 1.2 CSV: round trip, absent files, messy exports, unmapped results, bad references."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io

import pytest

from service.journal.adapters import oneroster
from service.journal.errors import InvalidInput
from service.sample.export import oneroster_writer
from tests.adapters.compare import journal_view
from tests.adapters.factory import small_school


@pytest.fixture(scope="module")
def school():
    return small_school()


def _rows(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def _write(path, rows, bom=False):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + buffer.getvalue().encode())


def _edit(path, change):
    """Apply ``change(header, row) -> row | None`` to every data row of a CSV file."""
    rows = _rows(path)
    out = [rows[0]]
    for row in rows[1:]:
        new = change(rows[0], row)
        if new is not None:
            out.append(new)
    _write(path, out)


def _problems(path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        oneroster.read(path)
    return [str(p) for p in caught.value.problems]


def test_zip_round_trip_keeps_the_journal(school, tmp_path):
    path = oneroster_writer.write_zip(school, tmp_path / "oneroster.zip")
    result = oneroster.read_with_report(path)
    snapshot = result.snapshot
    for subject in ("Математика", "Английский язык"):
        before, after = journal_view(school, "5А", subject), journal_view(snapshot, "5А", subject)
        assert after.marks == before.marks
        assert after.attendance == before.attendance
        assert after.period_marks == before.period_marks
        assert after.lessons == before.lessons
    assert result.warnings == ()
    assert snapshot.year.periods == school.year.periods
    assert snapshot.director.full_name == "Орлова Татьяна Викторовна"
    pupils = {s.id: s for s in snapshot.students}
    assert pupils["s0"].guardian_ids == ("g0",)
    assert pupils["s1"].birth_date == dt.date(2013, 3, 2) and str(pupils["s1"].sex) == "F"
    assert pupils["s5"].left_on == dt.date(2025, 2, 14)
    assert {g.relation for g in snapshot.guardians} == {"родитель"}
    (klass,) = snapshot.classes
    assert klass.teacher_id == "t-math" and len(klass.groups) == 2
    assert snapshot.source == "OneRoster 1.2 CSV: Vedomost (демонстрационная выгрузка)"


def test_absent_gradebook_files_import_the_roster_only(school, tmp_path):
    folder = oneroster_writer.write_folder(school, tmp_path / "or", with_gradebook=False)
    result = oneroster.read_with_report(folder)
    assert len(result.snapshot.students) == 6
    assert result.snapshot.lessons == () and result.snapshot.marks == ()
    assert [str(w) for w in result.warnings] == [
        "lineItems.csv: файла lineItems.csv нет — уроки и отметки не импортированы (только состав)"
    ]


def test_file_marked_absent_is_not_read_even_if_present(school, tmp_path):
    folder = oneroster_writer.write_folder(school, tmp_path / "or")
    _edit(folder / "manifest.csv", lambda h, r: [r[0], "absent"] if r[0] == "file.results" else r)
    result = oneroster.read_with_report(folder)
    assert result.snapshot.marks == () and len(result.snapshot.lessons) == len(school.lessons)
    assert "results.csv: файл отмечен в manifest.csv как absent и не читается" in [
        str(w) for w in result.warnings
    ]


def test_messy_export_headers_bom_us_dates_extra_columns(school, tmp_path):
    """Header case, a BOM, US dates M/D/YYYY, extra columns and deleted rows are tolerated."""
    folder = oneroster_writer.write_folder(school, tmp_path / "or")
    for name in ("users.csv", "enrollments.csv", "academicSessions.csv", "lineItems.csv"):
        rows = _rows(folder / name)
        rows[0] = [c.upper() if i % 2 else c.lower() for i, c in enumerate(rows[0])] + [
            "metadata.x"
        ]
        rows[1:] = [[*r, "что-то"] for r in rows[1:]]
        _write(folder / name, rows, bom=True)

    def us_dates(header, row):
        for i, column in enumerate(header):
            if column.lower() in ("startdate", "enddate", "begindate") and row[i]:
                day = dt.date.fromisoformat(row[i])
                row[i] = f"{day.month}/{day.day:02d}/{day.year}"
        return row

    _edit(folder / "academicSessions.csv", us_dates)
    _edit(folder / "enrollments.csv", us_dates)
    rows = _rows(folder / "users.csv")
    rows.append(
        ["ghost", "tobedeleted", "", "true", "ghost", "", "Призрак", "Удалённый"] + [""] * 16
    )
    _write(folder / "users.csv", rows)
    result = oneroster.read_with_report(folder)
    snapshot = result.snapshot
    assert snapshot.year.periods == school.year.periods
    assert "ghost" not in {s.id for s in snapshot.students}
    assert {s.id: s.enrolled_on for s in snapshot.students}["s4"] == dt.date(2024, 11, 11)
    assert journal_view(snapshot, "5А", "Математика") == journal_view(school, "5А", "Математика")


def test_unmapped_results_are_reported(school, tmp_path):
    folder = oneroster_writer.write_folder(school, tmp_path / "or")
    math_item = next(x.id for x in school.lessons if x.subject_id == "math")
    other_item = next(x.id for x in school.lessons if x.subject_id == "math" and x.id != math_item)
    _edit(
        folder / "lineItems.csv",
        lambda h, r: [*r[:10], "0", "100", *r[12:]] if r[0] == math_item else r,
    )
    rows = _rows(folder / "results.csv")
    rows += [
        ["x1", "", "", math_item, "s0", "fully graded", "87", "", "", ""],
        ["x2", "", "", math_item, "s1", "fully graded", "92", "", "", ""],
        ["x3", "", "", other_item, "s2", "fully graded", "4.5", "", "", ""],
        ["x4", "", "", other_item, "s3", "fully graded", "", "отл", "", ""],
    ]
    _write(folder / "results.csv", rows)
    result = oneroster.read_with_report(folder)
    messages = [str(w) for w in result.warnings]
    # the item's own marks 1–5 are now on a 0–100 scale too: they cannot be mapped either
    on_item = 2 + sum(1 for m in school.marks if m.lesson_id == math_item)
    assert (
        f"results.csv, поле «score»: задание «{math_item}»: не переводятся в пятибалльную шкалу "
        f"результатов: {on_item} (например, «92» по шкале до 100) — не импортированы" in messages
    )
    assert any(
        m.startswith(
            f"results.csv, поле «score»: задание «{other_item}»: не переводятся в "
            "пятибалльную шкалу результатов: 2"
        )
        for m in messages
    )
    assert not {"x1", "x2", "x3", "x4"} & {m.id for m in result.snapshot.marks}


def test_bad_references_name_file_line_and_field(school, tmp_path):
    folder = oneroster_writer.write_folder(school, tmp_path / "or")
    rows = _rows(folder / "results.csv")
    rows.append(["bad1", "", "", rows[-1][3], "nobody", "fully graded", "5", "", "", ""])
    rows.append(["bad2", "", "", "no-such-item", "s0", "fully graded", "5", "", "", ""])
    _write(folder / "results.csv", rows)
    line = len(rows) - 1
    lesson = school.lessons[0]
    _edit(
        folder / "lineItems.csv",
        lambda h, r: [*r[:5], "2025-09-15T00:00:00.000Z", *r[6:]] if r[0] == lesson.id else r,
    )
    rows = _rows(folder / "lineItems.csv")
    item_line = next(i for i, r in enumerate(rows, start=1) if r[0] == lesson.id)
    assert _problems(folder) == [
        f"lineItems.csv, строка {item_line}, поле «assignDate»: дата 15.09.2025 вне учебного года "
        "2024/2025",
        f"results.csv, строка {line}, поле «studentSourcedId»: обучающийся «nobody» не найден "
        f"среди "
        "обучающихся (users, roles)",
        f"results.csv, строка {line + 1}, поле «lineItemSourcedId»: задание «no-such-item» не "
        f"найдено "
        "в lineItems.csv",
    ]


def test_enrollment_for_unknown_class_and_duplicate_ids(school, tmp_path):
    folder = oneroster_writer.write_folder(school, tmp_path / "or")
    rows = _rows(folder / "enrollments.csv")
    rows.append(["en-x", "", "", "no-class", "sch", "s0", "student", "false", "", ""])
    rows.append(rows[1])
    _write(folder / "enrollments.csv", rows)
    assert _problems(folder) == [
        f"enrollments.csv, строка {len(rows)}, поле «sourcedId»: идентификатор «{rows[1][0]}» "
        "повторяет строку 2",
    ]
    rows.pop()
    _write(folder / "enrollments.csv", rows)
    assert _problems(folder) == [
        f"enrollments.csv, строка {len(rows)}, поле «classSourcedId»: класс «no-class» не найден в "
        "classes.csv"
    ]


def test_not_a_oneroster_package(school, tmp_path):
    folder = oneroster_writer.write_folder(school, tmp_path / "or")
    (folder / "manifest.csv").unlink()
    assert _problems(folder) == ["manifest.csv: нет файла manifest.csv — это не выгрузка OneRoster"]


def test_declared_file_missing_and_required_file_absent(school, tmp_path):
    folder = oneroster_writer.write_folder(school, tmp_path / "or")
    (folder / "users.csv").unlink()
    _edit(folder / "manifest.csv", lambda h, r: [r[0], "absent"] if r[0] == "file.orgs" else r)
    assert _problems(folder) == [
        "manifest.csv, поле «file.orgs»: файл orgs.csv обязателен для импорта журнала, а "
        "отмечен как "
        "absent",
        "users.csv: файл указан в manifest.csv как bulk, но его нет в выгрузке",
    ]


def test_empty_and_headerless_files(school, tmp_path):
    folder = oneroster_writer.write_folder(school, tmp_path / "or")
    (folder / "classes.csv").write_bytes(b"")
    _write(folder / "orgs.csv", [["id", "name"], ["sch", "Школа"]])
    assert _problems(folder) == [
        "orgs.csv, строка 1: нет обязательных столбцов: «sourcedid», «type»",
        "classes.csv: файл пуст",
    ]


def test_oneroster_11_style_roles_on_users_and_titles_without_class(school, tmp_path):
    """Roles on users.csv (no roles.csv) and section titles without «5А» still map."""
    folder = oneroster_writer.write_folder(school, tmp_path / "or")
    roles = {r[3]: r[5] for r in _rows(folder / "roles.csv")[1:]}
    (folder / "roles.csv").unlink()
    _edit(folder / "manifest.csv", lambda h, r: [r[0], "absent"] if r[0] == "file.roles" else r)
    rows = _rows(folder / "users.csv")
    _write(folder / "users.csv", [[*rows[0], "role"], *[[*r, roles[r[0]]] for r in rows[1:]]])
    _edit(
        folder / "classes.csv",
        lambda h, r: r if r[7] == "homeroom" else [*r[:3], r[3].replace("5А ", ""), *r[4:]],
    )
    result = oneroster.read_with_report(folder)
    snapshot = result.snapshot
    assert {c.id for c in snapshot.classes} == {"5А"}
    assert snapshot.director.full_name == "Орлова Татьяна Викторовна"
    for subject in ("Математика", "Английский язык"):
        assert journal_view(snapshot, "5А", subject) == journal_view(school, "5А", subject)
