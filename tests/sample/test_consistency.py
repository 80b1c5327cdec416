"""The sample school is consistent: ids resolve, dates fit, marks only where they may be."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from typing import Any

import pytest

from service.journal.snapshot import MARK_VALUES, PERIOD_MARK_VALUES, SPECIAL_PERIOD_IDS
from service.sample.cut import cut_at

D = dt.date.fromisoformat


def _moment(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    assert value.tzinfo is not None, text
    return value


@pytest.fixture(scope="module", params=["full-year", "cut-mid-Q2", "halves", "trimesters"])
def doc(request: pytest.FixtureRequest, sample_school_dict: dict[str, Any]) -> dict[str, Any]:
    """The whole year; the journal on 10 December; smaller schools with halves and trimesters."""
    if request.param == "full-year":
        return sample_school_dict
    if request.param == "halves":
        return request.getfixturevalue("sample_school_halves_dict")
    if request.param == "trimesters":
        return request.getfixturevalue("sample_school_trimesters_dict")
    return cut_at(sample_school_dict, dt.date(2024, 12, 10))


@pytest.fixture(scope="module")
def ids(doc: dict[str, Any]) -> dict[str, set[str]]:
    return {
        key: {r["id"] for r in doc[key]}
        for key in (
            "staff",
            "classes",
            "students",
            "guardians",
            "subjects",
            "lessons",
            "assignments",
        )
    }


def test_ids_are_unique_in_every_list(doc: dict[str, Any]) -> None:
    for key, records in doc.items():
        if isinstance(records, list) and records and "id" in records[0]:
            counted = Counter(r["id"] for r in records)
            assert not [i for i, n in counted.items() if n > 1], key


def test_every_reference_resolves(doc: dict[str, Any], ids: dict[str, set[str]]) -> None:
    assert doc["school"]["director_id"] in ids["staff"]
    for c in doc["classes"]:
        assert c["teacher_id"] in ids["staff"]
    for s in doc["students"]:
        assert s["class_id"] in ids["classes"]
        assert s["guardian_ids"] and set(s["guardian_ids"]) <= ids["guardians"]
    for a in doc["assignments"]:
        assert a["class_id"] in ids["classes"] and a["subject_id"] in ids["subjects"]
        assert a["teacher_id"] in ids["staff"]
    for lesson in doc["lessons"]:
        assert lesson["class_id"] in ids["classes"] and lesson["subject_id"] in ids["subjects"]
        assert lesson["teacher_id"] in ids["staff"]
        assert lesson.get("substitute_id", lesson["teacher_id"]) in ids["staff"]
    for key in ("marks", "attendance"):
        for r in doc[key]:
            assert r["lesson_id"] in ids["lessons"] and r["student_id"] in ids["students"]
    for p in doc["period_marks"]:
        assert p["student_id"] in ids["students"] and p["subject_id"] in ids["subjects"]
    for d in doc["decisions"]:
        assert d["student_id"] in ids["students"]
    for m in doc["movements"]:
        assert m["student_id"] in ids["students"]
    for s in doc["substitutions"]:
        assert s["lesson_id"] in ids["lessons"]
        assert {s["absent_teacher_id"], s["substitute_id"]} <= ids["staff"]
    for c in doc["consents"]:
        assert c["guardian_id"] in ids["guardians"] and c["student_id"] in ids["students"]


def test_every_class_has_a_class_teacher_and_distinct_ones(doc: dict[str, Any]) -> None:
    teachers = [c["teacher_id"] for c in doc["classes"]]
    assert all(teachers)
    assert len(set(teachers)) == len(teachers)
    assert {c["grade"] for c in doc["classes"]} == set(range(1, 12))


def test_group_members_belong_to_the_class(doc: dict[str, Any]) -> None:
    class_of = {s["id"]: s["class_id"] for s in doc["students"]}
    groups = 0
    for c in doc["classes"]:
        members: list[str] = []
        for g in c.get("groups", []):
            groups += 1
            assert all(class_of[sid] == c["id"] for sid in g["student_ids"])
            members += g["student_ids"]
        assert len(members) == len(set(members))
    assert groups >= 2


def test_lessons_fall_on_school_days_inside_periods(doc: dict[str, Any]) -> None:
    periods = [(D(p["start"]), D(p["end"])) for p in doc["year"]["periods"]]
    holidays = [(D(h["start"]), D(h["end"])) for h in doc["year"]["holidays"]]
    assert (
        len(periods) == {"quarter": 4, "half": 2, "trimester": 3}[doc["year"]["periods"][0]["kind"]]
    )
    assert all(a[1] < b[0] for a, b in itertools.pairwise(periods))
    for lesson in doc["lessons"]:
        day = D(lesson["date"])
        assert day.weekday() < 5
        assert any(a <= day <= b for a, b in periods)
        assert not any(a <= day <= b for a, b in holidays)
        assert 1 <= lesson["number"] <= 8


def test_entry_times_are_not_before_the_lesson_nor_after_as_of(doc: dict[str, Any]) -> None:
    as_of = D(doc["as_of"])
    lesson_day = {x["id"]: D(x["date"]) for x in doc["lessons"]}
    for lesson in doc["lessons"]:
        if "entered_at" not in lesson:  # not entered yet on the day of a cut
            assert D(doc["as_of"]) < D(doc["year"]["end"])
            continue
        entered = _moment(lesson["entered_at"]).date()
        assert lesson_day[lesson["id"]] <= entered <= as_of
        if "homework_entered_at" in lesson:
            assert _moment(lesson["homework_entered_at"]) >= _moment(lesson["entered_at"])
    for mark in doc["marks"]:
        assert lesson_day[mark["lesson_id"]] <= _moment(mark["entered_at"]).date() <= as_of


def test_no_teacher_is_in_two_lessons_at_once(doc: dict[str, Any]) -> None:
    seen: dict[tuple[str, int, str], str] = {}
    clashes = 0
    for lesson in doc["lessons"]:
        who = lesson.get("substitute_id", lesson["teacher_id"])
        key = (lesson["date"], lesson["number"], who)
        if key in seen:
            clashes += 1
        seen[key] = lesson["id"]
    assert clashes == 0


def test_no_marks_in_grade_one_and_marks_on_the_scale(doc: dict[str, Any]) -> None:
    grade = {c["id"]: c["grade"] for c in doc["classes"]}
    lesson_class = {x["id"]: x["class_id"] for x in doc["lessons"]}
    assert doc["marks"]
    for mark in doc["marks"]:
        assert grade[lesson_class[mark["lesson_id"]]] >= 2
        assert mark["value"] in MARK_VALUES
    student_grade = {s["id"]: grade[s["class_id"]] for s in doc["students"]}
    for p in doc["period_marks"]:
        assert student_grade[p["student_id"]] >= 2
        assert p["value"] in PERIOD_MARK_VALUES


def test_marks_and_attendance_only_for_enrolled_members_of_the_lesson(doc: dict[str, Any]) -> None:
    students = {s["id"]: s for s in doc["students"]}
    members = {g["id"]: set(g["student_ids"]) for c in doc["classes"] for g in c.get("groups", [])}
    lessons = {x["id"]: x for x in doc["lessons"]}
    absent = {(a["lesson_id"], a["student_id"]) for a in doc["attendance"] if a["code"] != "О"}
    group_marks = 0
    for key in ("marks", "attendance"):
        for r in doc[key]:
            lesson = lessons[r["lesson_id"]]
            student = students[r["student_id"]]
            assert student["class_id"] == lesson["class_id"]
            if lesson.get("group_id"):
                assert r["student_id"] in members[lesson["group_id"]]
                group_marks += key == "marks"
            day = D(lesson["date"])
            assert D(student["enrolled_on"]) <= day
            if "left_on" in student:
                assert day <= D(student["left_on"])
    assert group_marks > 0
    for mark in doc["marks"]:
        assert (mark["lesson_id"], mark["student_id"]) not in absent


def test_period_marks_only_for_curriculum_subjects_and_known_periods(doc: dict[str, Any]) -> None:
    periods = {p["id"] for p in doc["year"]["periods"]} | set(SPECIAL_PERIOD_IDS)
    taught = {(a["class_id"], a["subject_id"]) for a in doc["assignments"]}
    class_of = {s["id"]: s["class_id"] for s in doc["students"]}
    keys = Counter((p["student_id"], p["subject_id"], p["period_id"]) for p in doc["period_marks"])
    assert max(keys.values()) == 1
    for p in doc["period_marks"]:
        assert p["period_id"] in periods
        assert (class_of[p["student_id"]], p["subject_id"]) in taught


def test_quarter_marks_agree_with_lesson_marks(doc: dict[str, Any]) -> None:
    periods = [(p["id"], D(p["start"]), D(p["end"])) for p in doc["year"]["periods"]]
    lessons = {x["id"]: x for x in doc["lessons"]}
    values: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for mark in doc["marks"]:
        lesson = lessons[mark["lesson_id"]]
        day = D(lesson["date"])
        term = next(pid for pid, a, b in periods if a <= day <= b)
        values[(mark["student_id"], lesson["subject_id"], term)].append(int(mark["value"]))
    checked = 0
    for p in doc["period_marks"]:
        key = (p["student_id"], p["subject_id"], p["period_id"])
        if p["value"].isdigit() and p["period_id"] not in SPECIAL_PERIOD_IDS:
            marks = values[key]
            assert marks, key
            assert abs(sum(marks) / len(marks) - int(p["value"])) <= 0.5 + 1e-9, (key, marks)
            checked += 1
    assert checked > 100


def test_enrolment_dates_are_consistent_with_movements(doc: dict[str, Any]) -> None:
    start, end = D(doc["year"]["start"]), D(doc["year"]["end"])
    students = {s["id"]: s for s in doc["students"]}
    for m in doc["movements"]:
        s = students[m["student_id"]]
        assert start <= D(m["date"]) <= end and m["order_number"]
        if m["kind"] == "arrival":
            assert s["enrolled_on"] == m["date"] and m["to_class_id"] == s["class_id"]
        else:
            assert s.get("left_on") == m["date"] and m["from_class_id"] == s["class_id"]
    moved = {m["student_id"] for m in doc["movements"]}
    for s in doc["students"]:
        if "left_on" in s or D(s["enrolled_on"]) > start:
            assert s["id"] in moved


def test_every_student_has_one_decision_consistent_with_leaving(doc: dict[str, Any]) -> None:
    decisions = {d["student_id"]: d for d in doc["decisions"]}
    grade = {c["id"]: c["grade"] for c in doc["classes"]}
    if D(doc["as_of"]) < D(doc["year"]["periods"][-1]["end"]):
        assert not decisions  # taken at the end of the year
        return
    assert len(decisions) == len(doc["students"]) == len(doc["decisions"])
    for s in doc["students"]:
        d = decisions[s["id"]]
        assert d["order_number"] and d["order_date"]
        if "left_on" in s:
            assert d["decision"] == "left"
        elif grade[s["class_id"]] in (9, 11):
            assert d["decision"] == "graduated"
        if d["decision"] in ("conditionally_promoted", "retained"):
            assert "задолженност" in d["note"]


def test_substitutions_match_lessons(doc: dict[str, Any]) -> None:
    lessons = {x["id"]: x for x in doc["lessons"]}
    assert doc["substitutions"]
    for s in doc["substitutions"]:
        lesson = lessons[s["lesson_id"]]
        assert (
            lesson["substitute_id"]
            == s["substitute_id"]
            != s["absent_teacher_id"]
            == lesson["teacher_id"]
        )
        assert (lesson["date"], lesson["number"], lesson["class_id"], lesson["subject_id"]) == (
            s["date"],
            s["lesson_number"],
            s["class_id"],
            s["subject_id"],
        )
        assert s["reason"] and s["hours"] > 0
    substituted = {x["id"] for x in doc["lessons"] if "substitute_id" in x}
    assert substituted == {s["lesson_id"] for s in doc["substitutions"]}
    assert {s["paid"] for s in doc["substitutions"]} == {True, False}


def test_consents_reference_the_students_own_guardians(doc: dict[str, Any]) -> None:
    students = {s["id"]: s for s in doc["students"]}
    for c in doc["consents"]:
        assert c["guardian_id"] in students[c["student_id"]]["guardian_ids"]
        if c["status"] == "pending":
            assert "date" not in c
        else:
            assert "date" in c
        if c["status"] == "withdrawn":
            assert D(c["withdrawn_on"]) >= D(c["date"])
    personal = [c for c in doc["consents"] if c["kind"] == "personal_data"]
    assert {c["student_id"] for c in personal} == set(students)
