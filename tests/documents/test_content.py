"""Content rules of the documents: order, dates, grading by level, decisions, people, numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from service.documents.common import academic_deputy, ordered_classes
from service.documents.kinds import build
from service.documents.kinds.control_report import build_control_report
from service.documents.kinds.medal_sheet import build_medal_sheet
from service.documents.kinds.period_summary import build_summary
from service.documents.kinds.year_statement import build_year_statement
from service.journal.ordering import federal_rank, subject_sort_key
from service.journal.snapshot import (
    Assignment,
    Decision,
    PeriodMark,
    SchoolClass,
    StaffMember,
    Student,
    Subject,
    YearDecision,
)
from service.policy import default_policy
from tests.documents.factories import tiny_school

POLICY = default_policy()


def test_subjects_follow_the_federal_curriculum_unless_the_journal_orders_them():
    names = [
        "Физическая культура",
        "Изобразительное искусство",
        "Иностранный язык (английский)",
        "Литературное чтение",
        "Основы духовно-нравственной культуры народов России",
        "Математика",
        "Русский язык",
        "Окружающий мир",
        "Труд (технология)",
        "Основы безопасности и защиты Родины",
        "История",
        "Биология",
        "Индивидуальный проект",
    ]
    subjects = [Subject(f"id{i}", n) for i, n in enumerate(names)]
    assert [s.name for s in sorted(subjects, key=subject_sort_key)] == [
        "Русский язык",
        "Литературное чтение",
        "Иностранный язык (английский)",
        "Математика",
        "История",
        "Биология",
        "Окружающий мир",
        "Основы духовно-нравственной культуры народов России",
        "Изобразительное искусство",
        "Труд (технология)",
        "Основы безопасности и защиты Родины",
        "Физическая культура",
        "Индивидуальный проект",
    ]
    assert federal_rank("Родной язык (русский)") < federal_rank("Иностранный язык")
    school_plan = [Subject("b", "Музыка", order=1), Subject("a", "Русский язык", order=2)]
    assert [s.id for s in sorted(school_plan, key=subject_sort_key)] == ["b", "a"]


def test_documents_list_subjects_in_curriculum_order_and_classes_naturally():
    snap = tiny_school()
    snap = replace(
        snap,
        subjects=(Subject("music", "Музыка"), Subject("math", "Математика")),
        classes=(
            SchoolClass("10А", 10, "А", None),
            SchoolClass("11А", 11, "А", None),
            *snap.classes,
            SchoolClass("1А", 1, "А", None),
        ),
    )
    assert build_summary(snap, "5А", "Q1").subject_ids == ("math", "music")
    assert [c.id for c in ordered_classes(snap)] == ["1А", "5А", "10А", "11А"]


def test_a_period_document_is_dated_by_the_period_end_and_a_month_log_by_the_month_end():
    snap = tiny_school()
    summary = build_summary(snap, "5А", "Q1")
    assert summary.meta.issued_on == snap.period_by_id["Q1"].end
    assert summary.meta.data_on == snap.as_of
    log = build(snap, "substitution-log", {"month": "2024-09"}, POLICY)
    assert log.meta.issued_on == dt.date(2024, 9, 30)
    later = build_summary(snap, "5А", "Q4")  # not over yet: the data's date
    assert later.meta.issued_on == min(snap.period_by_id["Q4"].end, snap.as_of)


def _first_grade(snap):
    """A 1st grade (no marks) and a pass/fail subject in 5А."""
    first = SchoolClass("1А", 1, "А", None)
    kids = tuple(
        Student("Седых", n, "", id=f"k{i}", class_id="1А") for i, n in enumerate(("Иван", "Лев"))
    )
    return replace(
        snap,
        classes=(*snap.classes, first),
        students=(*snap.students, *kids),
        subjects=(*snap.subjects, Subject("odnknr", "ОДНКНР")),
        assignments=(
            *snap.assignments,
            Assignment("a9", "1А", "math", "t-math", 4.0),
            Assignment("a10", "5А", "odnknr", "t-ct", 1.0),
        ),
        period_marks=(
            *snap.period_marks,
            *(PeriodMark(s, "odnknr", "Q1", "зач") for s in ("s1", "s2", "s3")),
            PeriodMark("s4", "odnknr", "Q1", "незач"),
        ),
    )


def test_no_mark_statistics_or_alarms_for_the_1st_grade_and_pass_fail_subjects():
    snap = _first_grade(tiny_school())
    first = build_summary(snap, "1А", "Q1", POLICY)
    assert first.unmarked and first.class_progress == 0.0
    assert all(s.counted == 0 for s in first.stats)
    fifth = build_summary(snap, "5А", "Q1", POLICY)
    i = fifth.subject_ids.index("odnknr")
    assert fifth.pass_fail[i] and (fifth.passed[i], fifth.failed[i]) == (3, 1)
    assert fifth.stats[i].counted == 0
    report = build_control_report(snap, "accumulation", period_id="Q1", policy=POLICY)
    assert {(r.class_name, r.subject) for r in report.accumulation} == {
        ("5А", "Математика"),
        ("5А", "Музыка"),
    }
    assert "1А — безотметочное обучение" in report.not_checked
    assert "5А: ОДНКНР — «зачёт/незачёт»" in report.not_checked


def test_a_failing_final_mark_with_promoted_is_flagged_and_the_council_is_cited():
    snap = tiny_school()
    snap = replace(
        snap,
        period_marks=(
            *(p for p in snap.period_marks if not (p.student_id == "s1" and p.period_id == "year")),
            PeriodMark("s1", "math", "year", "2"),
            PeriodMark("s2", "math", "year", "2"),
        ),
        decisions=(
            YearDecision(
                "s1",
                Decision.PROMOTED,
                "45-у",
                dt.date(2025, 5, 28),
                council_protocol="7",
                council_date=dt.date(2025, 5, 27),
            ),
            YearDecision("s2", Decision.CONDITIONALLY_PROMOTED, "45-у", dt.date(2025, 5, 28)),
        ),
    )
    data = build_year_statement(snap, "5А")
    s1 = next(r for r in data.rows if r.student_id == "s1")
    s2 = next(r for r in data.rows if r.student_id == "s2")
    assert s1.decision == "переведён"
    assert "«условно переведён» или «оставлен на повторное обучение»" in s1.warning
    assert "Математика: 2" in s1.warning
    assert s1.council == "протокол педагогического совета № 7 от 27.05.2025"
    assert s2.decision == "условно переведена" and not s2.warning  # Борисова Вера
    assert len(data.warnings) == 1
    assert data.meta.issued_on == min(snap.year.end, snap.as_of)


def test_the_9th_grade_earns_an_attestat_with_honours_and_the_11th_a_medal():
    snap = tiny_school()
    ninth = replace(snap, classes=(replace(snap.classes[0], grade=9),))
    data = build_medal_sheet(ninth, "5А", "Q2", POLICY)
    assert "аттестата об основном общем образовании с отличием" in data.meta.title
    assert all("медаль" not in c.status for c in data.candidates)
    eleventh = replace(snap, classes=(replace(snap.classes[0], grade=11),))
    medal = build_medal_sheet(eleventh, "5А", "Q2", POLICY)
    assert "медаль «За особые успехи в учении»" in medal.meta.title
    assert POLICY.award_for(11).levels[0].name == "медаль I степени"


def test_the_deputy_is_the_person_from_the_journal_or_a_line_to_write_on():
    snap = tiny_school()
    report = build_control_report(snap, "timeliness", period_id="Q1", policy=POLICY)
    assert report.meta.deputy == ""
    deputy = StaffMember(
        "Гусева",
        "Мария",
        "Максимовна",
        id="t-dep",
        position="заместитель директора по учебно-воспитательной работе",
    )
    other = StaffMember("Орлов", "Ян", "", id="t-vr", position="заместитель директора по ВР")
    snap = replace(snap, staff=(*snap.staff, other, deputy))
    assert academic_deputy(snap) == deputy
    report = build_control_report(snap, "timeliness", period_id="Q1", policy=POLICY)
    assert report.meta.deputy == "М. М. Гусева"


def test_report_findings_have_a_decimal_comma_and_movements_agree_in_gender():
    snap = tiny_school()
    report = build_control_report(snap, "attendance", month="2024-09", policy=POLICY)
    assert "(20\xa0%)" in report.findings[0] and "." not in report.findings[0][:-1]
    moves = build_control_report(snap, "movement", policy=POLICY)
    assert [m.kind for m in moves.movements] == ["выбыла"]  # Григорьева Дарья
