"""Builder arithmetic against hand-computed values from the tiny school (factories.tiny_school)."""

from __future__ import annotations

import datetime as dt

import pytest

from service.documents.common import DocumentProblem
from service.documents.kinds.control_report import build_control_report
from service.documents.kinds.journal_printout import build_printout, lessons_planned
from service.documents.kinds.medal_sheet import assess, build_medal_sheet
from service.documents.kinds.parent_statement import build_parent_statement, paper_students
from service.documents.kinds.period_summary import build_summary
from service.documents.kinds.substitution_log import build_substitution_log
from service.documents.kinds.year_statement import build_year_statement
from service.documents.payroll import parse_payroll
from service.documents.stats import mark_stats
from service.journal.errors import InvalidInput
from service.policy import default_policy
from service.policy import parse_medal_criteria as parse_criteria
from tests.documents.factories import Q1, tiny_school

POLICY = default_policy()


@pytest.fixture(scope="module")
def snap():
    return tiny_school()


def test_mark_stats_by_hand():
    # 5,5,4,3,2,н/а,осв: N = 6 (осв is left out); passed 4; good 3; СОУ (200+64+36+16)/6 = 52.67
    stats = mark_stats(["5", "5", "4", "3", "2", "н/а", "осв"])
    assert (
        stats.counted,
        stats.fives,
        stats.fours,
        stats.threes,
        stats.twos,
        stats.not_attested,
    ) == (6, 2, 1, 1, 1, 1)
    assert stats.progress == 66.7
    assert stats.quality == 50.0
    assert stats.sou == 52.7


def test_mark_stats_of_nothing_is_zero_not_a_crash():
    stats = mark_stats(["осв", ""])
    assert stats.counted == 0 and stats.progress == 0.0 and stats.sou == 0.0


def test_summary_counts_percentages_and_absences(snap):
    data = build_summary(snap, "5А", "Q1")
    assert data.subjects == ("Матем.", "Музыка")
    math, music = data.stats
    assert (math.fives, math.fours, math.threes, math.twos, math.not_attested) == (1, 1, 1, 1, 0)
    assert (math.progress, math.quality, math.sou) == (75.0, 50.0, 54.0)  # (100+64+36+16)/4
    assert (music.fives, music.fours, music.not_attested) == (2, 1, 1)
    assert (music.progress, music.quality, music.sou) == (75.0, 75.0, 66.0)  # (200+64)/4
    rows = {r.student_id: r for r in data.rows}
    assert (rows["s4"].absences, rows["s4"].absences_ill) == (3, 2)  # Б, Б, Н
    assert (rows["s3"].absences, rows["s3"].absences_ill) == (1, 0)  # У counts, О (late) does not
    assert (data.excellent, data.good, data.with_one_three, data.failing) == (1, 1, 1, 1)
    assert (data.class_progress, data.class_quality) == (75.0, 50.0)


def test_printout_cells_period_mark_and_lessons_planned(snap):
    data = build_printout(snap, "5А", "math", "Q1")
    assert [c.date.day for c in data.columns] == [2, 3, 4, 5]
    row = next(r for r in data.rows if r.student_id == "s1")
    assert row.cells == ("5", "5", "5", "4") and row.period_mark == "5"
    s4 = next(r for r in data.rows if r.student_id == "s4")
    assert s4.cells[:3] == ("Б", "Б", "Н")
    # 02.09–25.10.2024: 40 working days, no holidays → 8 weeks × 4 h = 32
    assert lessons_planned(snap, Q1, 4.0) == 32
    assert (data.lessons_planned, data.lessons_held) == (32, 4)
    assert data.topics[2].substitute == "О. С. Кузнецова"


def test_printout_unknown_subject_is_a_russian_problem(snap):
    with pytest.raises(DocumentProblem, match="предмета «chem» нет"):
        build_printout(snap, "5А", "chem", "Q1")


def test_accumulation_against_the_rule(snap):
    data = build_control_report(snap, "accumulation", "5А", "Q1", policy=POLICY)
    math, music = data.accumulation
    assert (math.required, math.students, math.below, math.without_marks) == (5, 4, 4, 1)
    assert math.below_names == ("Алексеев А. (4)", "Борисова В. (2)", "Волков Г. (1)")
    assert (music.required, music.below, music.without_marks) == (3, 4, 3)


def test_timeliness_cases(snap):
    data = build_control_report(snap, "timeliness", "5А", "Q1", policy=POLICY)
    rows = {r.teacher: r for r in data.timeliness}
    assert rows["Петров О. И."].late_marks == 1  # 03.09 lesson, mark on 05.09
    assert rows["Петров О. И."].late_homework == 1  # homework entered next day at 20:00
    assert rows["Кузнецова О. С."].late_tests == 1  # test marked after 5 days (substitute's lesson)
    assert rows["Сидорова А. В."].missing_topics == 0
    assert len(data.timeliness_cases) == 3


def test_attendance_month_and_movement(snap):
    data = build_control_report(snap, "attendance", month="2024-09", policy=POLICY)
    s4 = next(r for r in data.attendance if r.student_id == "s4")
    assert (s4.lessons, s4.missed, s4.ill, s4.absent) == (5, 3, 2, 1)
    assert s4.percent_missed == 60.0
    moves = build_control_report(snap, "movement", policy=POLICY)
    assert [m.kind for m in moves.movements] == ["выбыла"]  # Григорьева Дарья
    assert moves.class_counts[0].at_start == 4 and moves.class_counts[0].at_end == 3


def test_substitution_totals_and_payroll_reconciliation(snap):
    csv = "табельный номер;ФИО;месяц;оплачено часов\nt-ct;Кузнецова О. С.;2024-09;2\n".encode(
        "cp1251"
    )
    data = build_substitution_log(snap, "2024-09", parse_payroll(csv, "tabel.csv"), "tabel.csv")
    totals = {t.teacher_id: t for t in data.totals}
    assert (totals["t-ct"].hours, totals["t-ct"].paid_hours) == (2.0, 2.0)
    assert (totals["t-math"].hours, totals["t-math"].paid_hours, totals["t-math"].missed_hours) == (
        1,
        0,
        2,
    )
    assert data.matches_payroll and not data.differences

    wrong = "teacher_id,teacher,month,paid_hours\nt-ct,,09.2024,3\nx9,Неизвестный И. И.,2024-09,1\n"
    data = build_substitution_log(snap, "2024-09", parse_payroll(wrong.encode(), "p.csv"), "p.csv")
    assert not data.matches_payroll
    assert [(d.teacher_id, d.log_hours, d.payroll_hours) for d in data.differences] == [
        ("t-ct", 2.0, 3.0),
        ("x9", 0.0, 1.0),
    ]
    assert "+1" in data.differences[0].problem


def test_payroll_errors_name_line_and_column():
    with pytest.raises(InvalidInput) as caught:
        parse_payroll(
            "ФИО;месяц;часы\nПетров;2024-13;2\nПетров;2024-09;два\n".encode(), "tabel.csv"
        )
    text = str(caught.value)
    assert "tabel.csv, строка 2, поле «месяц»" in text and "строка 3, поле «часы»" in text


def test_medal_levels_and_flags(snap):
    data = build_medal_sheet(snap, "5А", "Q2", POLICY.medal)
    by_id = {c.student_id: c for c in data.candidates}
    assert by_id["s1"].level == "I"
    assert by_id["s2"].level == "" and by_id["s2"].status == "не соответствует критериям"
    music = next(r for r in by_id["s2"].subjects if r.subject == "Музыка")
    assert music.marks == ("5", "3") and music.flagged == (False, True)
    assert data.columns == ("1 четверть", "2 четверть")


def test_medal_criteria_are_data():
    criteria = parse_criteria(
        {
            "name": "x",
            "levels": [
                {
                    "id": "A",
                    "name": "только пятёрки",
                    "required": "5",
                    "allowed_below": 0,
                    "allowed_min": "5",
                },
                {
                    "id": "B",
                    "name": "одна четвёрка",
                    "required": "5",
                    "allowed_below": 1,
                    "allowed_min": "4",
                },
            ],
        }
    )
    assert assess({"м": ["5", "5"], "р": ["5", "4"]}, criteria)[0].id == "B"
    assert assess({"м": ["5", "4"], "р": ["5", "4"]}, criteria)[0] is None
    assert assess(
        {"м": ["5", "зач"]},
        parse_criteria(
            {
                "name": "x",
                "always_acceptable": ["зач"],
                "levels": [
                    {
                        "id": "A",
                        "name": "a",
                        "required": "5",
                        "allowed_below": 0,
                        "allowed_min": "5",
                    }
                ],
            }
        ),
    )[0]


def test_parent_statement_and_paper_families(snap):
    data = build_parent_statement(snap, "s4", "Q1")
    assert (data.absences_total, data.absences_ill) == (3, 2)
    assert data.subjects[0].absences == 3 and data.period_columns == ("1 четверть",)
    assert data.subjects[0].period_marks == ("2",)
    s1 = build_parent_statement(snap, "s1", start=dt.date(2024, 9, 1), end=dt.date(2024, 9, 4))
    assert s1.subjects[0].marks == (("02.09", "5"), ("03.09", "5"), ("04.09", "5"))
    assert s1.subjects[0].average == "5,00"
    assert [s.id for s in paper_students(snap, "5А")] == ["s1", "s3"]  # s4 left, s2 electronic


def test_year_statement_decisions(snap):
    data = build_year_statement(snap, "5А")
    s1 = data.rows[0]
    assert s1.cells[0].periods == ("5", "5", "", "") and s1.cells[0].year == "5"
    assert s1.decision == "переведён" and s1.order == "№ 45-у от 28.05.2025"
    assert data.meta.signatures == ("class_teacher", "director")


def test_document_id_is_stable_and_parameter_bound(snap):
    a = build_summary(snap, "5А", "Q1").meta.document_id
    assert a == build_summary(tiny_school(), "5А", "Q1").meta.document_id
    assert a != build_summary(snap, "5А", "Q2").meta.document_id
