"""The sample school through both writers and back through the registry and its checks."""

from __future__ import annotations

import pytest

from service.journal.adapters import read_snapshot
from service.journal.canonical import snapshot_from_dict
from service.sample.export import grid_writer, oneroster_writer
from tests.adapters.compare import journal_view


@pytest.fixture(scope="module")
def sample(sample_school_dict):
    return snapshot_from_dict(sample_school_dict)


def _classes(sample):
    """A class with subgroups (foreign language) and a senior class, to keep the test small."""
    with_groups = next(c.id for c in sample.classes if c.groups and c.grade >= 5)
    senior = max(sample.classes, key=lambda c: (c.grade, c.letter)).id
    return sorted({with_groups, senior})


def _subjects(snapshot, class_id):
    ids = {lesson.subject_id for lesson in snapshot.lessons if lesson.class_id == class_id}
    return sorted(snapshot.subject_by_id[i].name for i in ids)


def _assert_journals_equal(original, imported, classes):
    compared = 0
    for class_id in classes:
        assert _subjects(imported, class_id) == _subjects(original, class_id)
        for subject in _subjects(original, class_id):
            before = journal_view(original, class_id, subject)
            after = journal_view(imported, class_id, subject)
            assert after.marks == before.marks, (class_id, subject)
            assert after.attendance == before.attendance, (class_id, subject)
            assert after.period_marks == before.period_marks, (class_id, subject)
            compared += sum(before.marks.values())
    assert compared > 100


def test_sample_as_cp1251_grid_folder(sample, tmp_path):
    classes = _classes(sample)
    grid_writer.write_csv_folder(sample, tmp_path / "grid", class_ids=classes)
    imported = read_snapshot(tmp_path / "grid")  # format detected, snapshot checks run
    _assert_journals_equal(sample, imported, classes)
    bounds = [(p.start, p.end) for p in sample.year.periods]
    assert [(p.start, p.end) for p in imported.year.periods] == bounds


def test_sample_as_quarterly_xlsx(sample, tmp_path):
    classes = _classes(sample)[:1]
    path = grid_writer.write_xlsx(sample, tmp_path / "journal.xlsx", classes, per_period=True)
    _assert_journals_equal(sample, read_snapshot(path, "grid"), classes)


def test_sample_as_oneroster_zip(sample, tmp_path):
    path = oneroster_writer.write_zip(sample, tmp_path / "oneroster.zip")
    imported = read_snapshot(path)
    _assert_journals_equal(sample, imported, [c.id for c in sample.classes])
    assert len(imported.students) == len(sample.students)
    assert len(imported.guardians) == len({g for s in sample.students for g in s.guardian_ids})
    assert imported.director.full_name == sample.director.full_name
