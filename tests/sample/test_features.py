"""The sample school has what documents and reports must show: special values, findings."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from service.sample import names

D = dt.date.fromisoformat


@pytest.fixture(scope="module", params=["quarters", "trimesters"])
def doc(request: pytest.FixtureRequest, sample_school_dict: dict[str, Any]) -> dict[str, Any]:
    if request.param == "trimesters":
        return request.getfixturevalue("sample_school_trimesters_dict")
    return sample_school_dict


def test_special_period_values_are_present(doc: dict[str, Any]) -> None:
    values = Counter(p["value"] for p in doc["period_marks"])
    for special in ("осв", "н/а", "зач", "безотм", "5", "4", "3", "2"):
        assert values[special] > 0, special
    periods = Counter(p["period_id"] for p in doc["period_marks"])
    assert periods["year"] and periods["exam"] and periods["final"]


def test_exam_and_final_marks_only_in_grades_9_and_11(doc: dict[str, Any]) -> None:
    grade = {s["id"]: int(s["class_id"][:-1]) for s in doc["students"]}
    graded = {
        grade[p["student_id"]] for p in doc["period_marks"] if p["period_id"] in ("exam", "final")
    }
    assert graded == {9, 11}


def test_medal_candidates_in_grades_9_and_11_with_a_flag(doc: dict[str, Any]) -> None:
    grade = {s["id"]: int(s["class_id"][:-1]) for s in doc["students"]}
    candidates = [s["id"] for s in doc["students"] if s.get("medal_candidate")]
    assert {grade[c] for c in candidates} == {9, 11}
    below_five = {
        p["student_id"]
        for p in doc["period_marks"]
        if p["student_id"] in candidates
        and p["value"] in ("4", "3")
        and p["period_id"] not in ("year", "exam", "final")
    }
    assert 1 <= len(below_five) <= max(2, len(candidates) // 2)
    quarter = [
        p["value"]
        for p in doc["period_marks"]
        if p["student_id"] in candidates
        and p["period_id"] not in ("year", "exam", "final")
        and p["value"].isdigit()
    ]
    assert quarter.count("5") / len(quarter) > 0.9


def test_decisions_include_conditional_promotion_and_retention(doc: dict[str, Any]) -> None:
    kinds = Counter(d["decision"] for d in doc["decisions"])
    for kind in ("promoted", "conditionally_promoted", "retained", "left", "graduated"):
        assert kinds[kind] > 0, kind


def test_movements_include_arrivals_and_leavings(doc: dict[str, Any]) -> None:
    kinds = Counter(m["kind"] for m in doc["movements"])
    assert kinds["arrival"] and kinds["leaving"]


def test_attendance_has_every_code_with_realistic_rates(doc: dict[str, Any]) -> None:
    codes = Counter(a["code"] for a in doc["attendance"])
    assert set(codes) == {"Н", "Б", "У", "О"}
    assert codes["Б"] > codes["Н"]
    size = Counter(s["class_id"] for s in doc["students"])
    group_size = {
        g["id"]: len(g["student_ids"]) for c in doc["classes"] for g in c.get("groups", [])
    }
    places = sum(
        group_size[x["group_id"]] if x.get("group_id") else size[x["class_id"]]
        for x in doc["lessons"]
    )
    missed = codes["Н"] + codes["Б"] + codes["У"]
    assert 0.02 < missed / places < 0.15


def test_guardians_paper_delivery_share_and_documents(doc: dict[str, Any]) -> None:
    guardians = doc["guardians"]
    paper = sum(g["delivery"] == "paper" for g in guardians)
    assert 0.04 <= paper / len(guardians) <= 0.3
    for g in guardians:
        assert g["relation"] in ("мать", "отец", "опекун")
        assert g["phone"].startswith("+7 9")
        assert g["document"]["number"] and g["document"]["issued_on"]
    per_student = Counter(len(s["guardian_ids"]) for s in doc["students"])
    assert set(per_student) <= {1, 2} and per_student[1] and per_student[2]


def test_consents_have_given_pending_refused_and_one_withdrawal(doc: dict[str, Any]) -> None:
    personal = Counter(c["status"] for c in doc["consents"] if c["kind"] == "personal_data")
    assert personal["given"] > len(doc["students"]) * 0.8
    assert personal["pending"] and personal["refused"]
    assert personal["withdrawn"] == 1
    paper = {g["id"] for g in doc["guardians"] if g["delivery"] == "paper"}
    electronic = [c for c in doc["consents"] if c["kind"] == "electronic_delivery"]
    assert electronic and all(c["guardian_id"] not in paper for c in electronic)
    refused = [c for c in doc["consents"] if c["status"] in ("refused", "withdrawn")]
    assert all(c["guardian_id"] in paper for c in refused)


def test_late_entries_exist_for_the_timeliness_report(doc: dict[str, Any]) -> None:
    lesson_day = {x["id"]: D(x["date"]) for x in doc["lessons"]}
    late_lessons = [
        x
        for x in doc["lessons"]
        if dt.datetime.fromisoformat(x["entered_at"]).date() > D(x["date"])
    ]
    assert 0 < len(late_lessons) < len(doc["lessons"]) * 0.2
    delays = Counter()
    for m in doc["marks"]:
        delay = (
            dt.datetime.fromisoformat(m["entered_at"]).date() - lesson_day[m["lesson_id"]]
        ).days
        delays[(m["work_type"], delay > {"test": 3, "written": 7}.get(m["work_type"], 0))] += 1
    assert delays[("test", True)] and delays[("test", False)]
    assert delays[("written", True)] and delays[("written", False)]
    same_day = sum(
        n for (wt, late), n in delays.items() if wt in ("oral", "class", "homework") and not late
    )
    late = sum(
        n for (wt, late), n in delays.items() if wt in ("oral", "class", "homework") and late
    )
    assert late and same_day > 10 * late


def test_work_types_include_tests_and_written_works(doc: dict[str, Any]) -> None:
    types = Counter(x.get("work_type", "class") for x in doc["lessons"])
    for wt in ("class", "test", "written", "practical", "project"):
        assert types[wt], wt
    assert all(x["topic"] for x in doc["lessons"])
    assert sum(1 for x in doc["lessons"] if x.get("homework")) > len(doc["lessons"]) * 0.4


def _check_person(last: str, middle: str, male: bool) -> None:
    assert names.surname_agrees(last, male), (last, male)
    if male:
        assert names.is_male_patronymic(middle), middle
    else:
        assert names.is_female_patronymic(middle), middle


def test_gender_agreement_of_every_person(doc: dict[str, Any]) -> None:
    for s in doc["students"]:
        male = s["sex"] == "M"
        assert (s["first_name"] in names.MALE_FIRST_NAMES) == male
        _check_person(s["last_name"], s["middle_name"], male)
    for person in doc["staff"] + doc["guardians"]:
        male = person["first_name"] in names.MALE_FIRST_NAMES
        assert male or person["first_name"] in names.FEMALE_FIRST_NAMES
        _check_person(person["last_name"], person["middle_name"], male)
        if "relation" in person and person["relation"] in ("мать", "отец"):
            assert male == (person["relation"] == "отец")


def test_siblings_share_a_surname_stem_and_patronymic_source(doc: dict[str, Any]) -> None:
    by_family: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for s in doc["students"]:
        by_family.setdefault(tuple(s["guardian_ids"]), []).append(s)
    families = [kids for kids in by_family.values() if len(kids) > 1]
    assert families
    for kids in families:
        assert len({names.male_form_of(k["last_name"]) for k in kids}) == 1
        stems = {k["middle_name"][:4] for k in kids}
        assert len(stems) == 1, [k["middle_name"] for k in kids]


def test_class_sizes_and_grade_ages(doc: dict[str, Any]) -> None:
    sizes = Counter(s["class_id"] for s in doc["students"])
    assert len(sizes) == len(doc["classes"])
    first = D(doc["year"]["start"]).year
    for s in doc["students"]:
        grade = int(s["class_id"][:-1])
        age = first - D(s["birth_date"]).year
        assert grade + 5 <= age <= grade + 7


def test_topics_follow_the_grade_and_end_with_revision(doc: dict[str, Any]) -> None:
    from service.sample.topics import TOPICS

    def topics_of(class_prefix: str, subject: str) -> list[str]:
        return [
            x["topic"]
            for x in doc["lessons"]
            if x["class_id"].startswith(class_prefix) and x["subject_id"] == subject
        ]

    bank = TOPICS["math"]
    low, high = topics_of("2", "math"), topics_of("6", "math")
    assert low[0] in bank[: len(bank) // 2] and high[0] in bank[len(bank) // 2 :]
    revision = "Повторение изученного за год"
    assert low[-1].split(". ")[-1] == high[-1].split(". ")[-1] == revision
    assert "Причастный оборот" not in {t.split(". ")[-1] for t in topics_of("2", "rus")}
