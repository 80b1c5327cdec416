"""Year-end documents on the sample school: attendance in the yearly statement, the honours list."""

from __future__ import annotations

import pytest

from service.documents.kinds import build, render_data
from service.documents.kinds.honours_list import build_honours_list, final_marks
from service.documents.kinds.medal_sheet import assess
from service.journal.snapshot import Decision
from service.policy import default_policy
from tests.documents.pdfcheck import text


def _direct_count(snapshot, student_id):
    """Missed lessons of the year counted straight from the lessons and attendance lists."""
    dates = {lesson.id: lesson.date for lesson in snapshot.lessons}
    missed = ill = 0
    for record in snapshot.attendance:
        if record.student_id != student_id:
            continue
        day = dates.get(record.lesson_id)
        if day is None or not (snapshot.year.start <= day <= snapshot.year.end):
            continue
        if record.code in ("Н", "Б", "У"):
            missed += 1
        if record.code == "Б":
            ill += 1
    return missed, ill


def test_yearly_statement_attendance_matches_a_direct_count(sample_snapshot):
    """GIVEN the sample school WHEN every class's yearly statement is built THEN each student's
    missed lessons and those for illness equal a count over the raw attendance records."""
    checked = ill_seen = 0
    for school_class in sample_snapshot.classes:
        if not sample_snapshot.students_of_class.get(school_class.id):
            continue
        data = build(sample_snapshot, "year-statement", {"class": school_class.id})
        for row in data.rows:
            assert (row.absences, row.absences_ill) == _direct_count(
                sample_snapshot, row.student_id
            ), row.name
            assert row.absences_ill <= row.absences
            checked += 1
            ill_seen += row.absences_ill
    assert checked > 50 and ill_seen > 0


def test_yearly_statement_prints_the_attendance_columns(sample_snapshot, tmp_path):
    """The rendered yearly statement has «Пропущено уроков», «по болезни» and a student's count."""
    school_class = next(
        c
        for c in sample_snapshot.classes
        if c.grade == 5 and sample_snapshot.students_of_class.get(c.id)
    )
    data = build(sample_snapshot, "year-statement", {"class": school_class.id})
    page = text(render_data(data, tmp_path / "year.pdf").path)
    assert "Пропущено уроков" in page and "по болезни" in page
    most = max(data.rows, key=lambda r: r.absences)
    assert most.absences > 0 and str(most.absences) in page


def test_honours_list_applies_the_policy_criteria_to_graduates(sample_snapshot):
    """Every graduate of the 9th and 11th grades is on the list exactly when the policy's
    criteria, evaluated by the medal sheet's ``assess``, give a level; no one else is."""
    policy = default_policy()
    data = build_honours_list(sample_snapshot, policy)
    listed = {r.student_id: r for r in data.rows}
    graduates = 0
    for school_class in sample_snapshot.classes:
        for student in sample_snapshot.students_of_class.get(school_class.id, ()):
            decision = sample_snapshot.decision_of_student.get(student.id)
            if decision is None or decision.decision != Decision.GRADUATED:
                assert student.id not in listed
                continue
            graduates += 1
            level, _ = assess(
                final_marks(sample_snapshot, student.id, school_class.id),
                policy.award_for(school_class.grade),
            )
            assert (level.id if level else None) == (
                listed[student.id].level if student.id in listed else None
            )
    assert graduates > 0
    for row in data.rows:
        expected = {9: "honours", 11: ("I", "II")}[sample_snapshot.class_by_id[row.class_id].grade]
        assert row.level in expected


@pytest.fixture
def honours_school(sample_snapshot):
    """The sample school with one 9th-grade graduate and one 11th-grade graduate made excellent."""
    import dataclasses

    from service.journal.snapshot import FINAL, YEAR, PeriodMark

    chosen = {}
    for grade in (9, 11):
        school_class = next(c for c in sample_snapshot.classes if c.grade == grade)
        chosen[grade] = next(
            s
            for s in sample_snapshot.students_of_class[school_class.id]
            if (d := sample_snapshot.decision_of_student.get(s.id))
            and d.decision == Decision.GRADUATED
        )
    ids = {s.id for s in chosen.values()}
    marks = tuple(
        dataclasses.replace(m, value="5")
        if m.student_id in ids and m.period_id in (YEAR, FINAL) and m.value in ("2", "3", "4")
        else m
        for m in sample_snapshot.period_marks
    )
    # One «4» leaves the 11th-grader a medal of the second degree.
    eleventh = chosen[11].id
    first = next(i for i, m in enumerate(marks) if m.student_id == eleventh and m.period_id == YEAR)
    marks = (
        *marks[:first],
        PeriodMark(eleventh, marks[first].subject_id, YEAR, "4"),
        *marks[first + 1 :],
    )
    marks = tuple(
        m
        for m in marks
        if not (
            m.student_id == eleventh
            and m.subject_id == marks[first].subject_id
            and m.period_id == FINAL
        )
    )
    return dataclasses.replace(sample_snapshot, period_marks=marks), chosen


def test_honours_list_names_the_honours_and_the_medal_degree(honours_school, tmp_path):
    """GIVEN a 9th-grader with all «5» and an 11th-grader with one «4» WHEN the list is rendered
    THEN the first has the аттестат с отличием, the second the medal of the second degree."""
    snapshot, chosen = honours_school
    data = build(snapshot, "honours-list", {})
    by_id = {r.student_id: r for r in data.rows}
    assert by_id[chosen[9].id].level == "honours"
    assert by_id[chosen[11].id].level == "II"
    page = text(render_data(data, tmp_path / "honours.pdf").path)
    assert "СПИСОК ВЫПУСКНИКОВ" in page.upper() and chosen[9].full_name.split()[0] in page
    assert "медаль II степени" in page and "с отличием" in page
