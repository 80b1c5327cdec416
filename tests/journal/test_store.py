"""Snapshot store and importer: created / unchanged, diff, nothing stored on failure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from service.journal import models as db
from service.journal import snapshot as m
from service.journal.canonical import canonicalize, snapshot_hash, snapshot_to_dict
from service.journal.errors import InvalidInput
from service.journal.importer import import_file
from service.journal.store import (
    SnapshotNotFound,
    latest_snapshot,
    list_snapshots,
    load_snapshot,
    save_snapshot,
)
from tests.journal.factories import tiny_snapshot

pytestmark = pytest.mark.django_db(transaction=True)

ROW_MODELS = (
    db.Snapshot,
    db.School,
    db.SnapshotStudent,
    db.SnapshotLesson,
    db.SnapshotMark,
    db.SnapshotAttendance,
    db.SnapshotPeriodMark,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ROW_MODELS}


def write(path: Path, snapshot: m.Snapshot) -> Path:
    path.write_text(json.dumps(snapshot_to_dict(snapshot), ensure_ascii=False), "utf-8")
    return path


def test_import_creates_one_snapshot_with_normalised_rows(tmp_path: Path) -> None:
    snapshot = tiny_snapshot()
    result = import_file(write(tmp_path / "school.json", snapshot))
    assert result.status == "created"
    assert result.snapshot_id == snapshot_hash(snapshot)
    assert result.school_id == "sch-1" and result.year == "2024/2025"
    assert result.counts["marks"] == 3 and result.counts["students"] == 3
    assert result.previous_id is None and result.diff is None
    assert row_counts() == {
        "Snapshot": 1,
        "School": 1,
        "SnapshotStudent": 3,
        "SnapshotLesson": 3,
        "SnapshotMark": 3,
        "SnapshotAttendance": 2,
        "SnapshotPeriodMark": 3,
    }
    mark = db.SnapshotMark.objects.get(mark_id="mk-1")
    assert (mark.class_id, mark.subject_id, mark.period_id, mark.date) == (
        "5А",
        "math",
        "Q1",
        dt.date(2024, 9, 2),
    )
    assert mark.entered_at == dt.datetime(2024, 9, 2, 6, 40, tzinfo=dt.UTC)


def test_load_snapshot_equals_the_imported_snapshot(tmp_path: Path) -> None:
    snapshot = tiny_snapshot()
    result = import_file(write(tmp_path / "school.json", snapshot))
    loaded = load_snapshot(result.snapshot_id)
    assert loaded == canonicalize(snapshot)
    assert loaded.snapshot_id == result.snapshot_id
    assert load_snapshot(result.snapshot_id[:10]) == loaded  # a unique prefix is enough
    assert latest_snapshot() == loaded
    assert latest_snapshot(school_id="sch-1", year="2024/2025") == loaded
    assert latest_snapshot(school_id="other") is None


def test_unchanged_reimport_creates_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "school.json", tiny_snapshot())
    first = import_file(path)
    before = row_counts()
    again = import_file(path)
    assert again.status == "unchanged" and again.snapshot_id == first.snapshot_id
    # Same data, different bytes (list order, indentation): still unchanged, via the hash.
    data = snapshot_to_dict(tiny_snapshot())
    data["marks"].reverse()
    (tmp_path / "other.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    third = import_file(tmp_path / "other.json")
    assert third.status == "unchanged" and third.snapshot_id == first.snapshot_id
    assert save_snapshot(tiny_snapshot()).status == "unchanged"
    assert row_counts() == before


def test_changed_export_creates_a_new_snapshot_and_the_diff_names_the_marks(tmp_path: Path) -> None:
    old = tiny_snapshot()
    first = import_file(write(tmp_path / "v1.json", old))
    new_marks = (
        dataclasses.replace(old.marks[0], value="4"),  # mk-1: 5 → 4
        old.marks[1],
        # mk-3 removed, mk-4 added
        m.Mark("mk-4", "l-3", "s-3", "2", work_type=m.WorkType.ORAL),
    )
    new = dataclasses.replace(old, marks=new_marks, as_of=dt.date(2024, 12, 29))
    second = import_file(write(tmp_path / "v2.json", new))
    assert second.status == "created" and second.previous_id == first.snapshot_id
    diff = second.diff
    assert diff is not None
    assert [(c.kind, c.mark_id, c.old_value, c.new_value) for c in diff.marks] == [
        ("added", "mk-4", None, "2"),
        ("changed", "mk-1", "5", "4"),
        ("removed", "mk-3", "3", None),
    ]
    changed = diff.marks[1]
    assert (changed.class_id, changed.subject_id, changed.date, changed.fields) == (
        "5А",
        "math",
        dt.date(2024, 9, 2),
        ("value",),
    )
    assert diff.lessons == () and diff.students == ()
    assert "Отметки: добавлено 1, изменено 1, удалено 1" in diff.summary()
    assert db.Snapshot.objects.count() == 2
    assert latest_snapshot() == canonicalize(new)
    infos = list_snapshots()
    assert [i.snapshot_id for i in infos] == [second.snapshot_id, first.snapshot_id]
    assert infos[0].previous_id == first.snapshot_id


def test_diff_reports_students_and_lessons(tmp_path: Path) -> None:
    old = tiny_snapshot()
    import_file(write(tmp_path / "v1.json", old))
    students = (
        dataclasses.replace(old.students[0], class_id="6Б"),
        *old.students[1:],
        m.Student("Новиков", "Олег", "", id="s-4", class_id="5А"),
    )
    lessons = (dataclasses.replace(old.lessons[0], topic="Новая тема"), *old.lessons[1:])
    result = import_file(
        write(tmp_path / "v2.json", dataclasses.replace(old, students=students, lessons=lessons))
    )
    assert result.diff is not None
    assert [(c.kind, c.student_id, c.fields) for c in result.diff.students] == [
        ("added", "s-4", ()),
        ("changed", "s-1", ("class_id",)),
    ]
    assert [(c.kind, c.lesson_id, c.fields) for c in result.diff.lessons] == [
        ("changed", "l-1", ("topic",))
    ]
    assert "Новиков" not in json.dumps(result.to_dict(), ensure_ascii=False)


def test_invalid_file_stores_nothing(tmp_path: Path) -> None:
    data = snapshot_to_dict(tiny_snapshot())
    data["marks"][0]["student_id"] = "nobody"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(InvalidInput) as info:
        import_file(path)
    assert str(info.value.problems[0]) == (
        "bad.json, /marks/0, поле «student_id»: неизвестный ученик «nobody»"
    )
    assert all(n == 0 for n in row_counts().values())


def test_fake_fault_after_writing_rows_rolls_everything_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GIVEN a database error after every row table was written (a fake fault: we cannot make the
    database fail on cue) WHEN saving THEN no snapshot, school or row is left behind."""
    from service.journal import store

    real = store.write_rows
    written = []

    def failing(pk, snapshot):  # type: ignore[no-untyped-def]
        real(pk, snapshot)
        written.append(db.SnapshotMark.objects.filter(snapshot_id=pk).count())
        raise RuntimeError("fake fault: disk full")

    monkeypatch.setattr(store, "write_rows", failing)
    with pytest.raises(RuntimeError):
        save_snapshot(tiny_snapshot())
    assert written == [3]  # the rows were there inside the transaction…
    assert all(n == 0 for n in row_counts().values())  # …and are gone after it


def test_unknown_snapshot_id_is_reported() -> None:
    with pytest.raises(SnapshotNotFound):
        load_snapshot("0" * 64)
