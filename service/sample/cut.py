"""Cut a full-year sample document at an earlier date: what the journal showed on that day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from service.journal.snapshot import EXAM, FINAL, YEAR


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def cut_at(doc: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """A new document with only what existed on ``as_of`` (end of that day); ``doc`` is not changed.

    Lessons after the day are dropped; topics, homework and marks entered later are not there yet;
    period marks exist for periods that ended by then (year, exam and final marks once the last
    period has ended); students who arrive later are absent, and those who leave later are still
    enrolled; decisions, movements, substitutions and consents dated later are dropped or pending.
    """
    year_start = _day(doc["year"]["start"])
    if as_of < year_start:
        raise ValueError(f"дата среза {as_of:%d.%m.%Y} раньше начала учебного года")
    if as_of >= _day(doc["as_of"]):
        return dict(doc)
    periods = doc["year"]["periods"]
    ended = {p["id"] for p in periods if _day(p["end"]) <= as_of}
    if len(ended) == len(periods):
        ended |= {YEAR}
    last_end = max(_day(p["end"]) for p in periods)

    students = [s for s in doc["students"] if _day(s["enrolled_on"]) <= as_of]
    present = {s["id"] for s in students}
    students = [_still_enrolled(s, as_of) for s in students]
    guardian_ids = {g for s in students for g in s["guardian_ids"]}

    lessons = []
    for lesson in doc["lessons"]:
        if _day(lesson["date"]) > as_of:
            continue
        if _day(lesson["entered_at"]) > as_of:
            lesson = {
                k: v
                for k, v in lesson.items()
                if k not in ("entered_at", "topic", "homework", "homework_entered_at")
            }
        elif "homework_entered_at" in lesson and _day(lesson["homework_entered_at"]) > as_of:
            lesson = {
                k: v for k, v in lesson.items() if k not in ("homework", "homework_entered_at")
            }
        lessons.append(lesson)
    lesson_ids = {x["id"] for x in lessons}

    # Exam and final marks are set in June, some weeks after the last period.
    exams_done = as_of >= last_end + dt.timedelta(days=25)

    def kept(mark: dict[str, Any]) -> bool:
        if mark["student_id"] not in present:
            return False
        if mark["period_id"] in (EXAM, FINAL):
            return exams_done
        return mark["period_id"] in ended

    cut = dict(doc)
    cut["as_of"] = as_of.isoformat()
    cut["classes"] = [_groups_without(c, present) for c in doc["classes"]]
    cut["students"] = students
    cut["guardians"] = [g for g in doc["guardians"] if g["id"] in guardian_ids]
    cut["lessons"] = lessons
    cut["marks"] = [
        m for m in doc["marks"] if m["lesson_id"] in lesson_ids and _day(m["entered_at"]) <= as_of
    ]
    cut["attendance"] = [a for a in doc["attendance"] if a["lesson_id"] in lesson_ids]
    cut["period_marks"] = [p for p in doc["period_marks"] if kept(p)]
    # Decisions are taken at the end of the year, even «выбыл» for those who left earlier.
    cut["decisions"] = [
        d
        for d in doc["decisions"]
        if as_of >= last_end and d["student_id"] in present and _day(d["order_date"]) <= as_of
    ]
    cut["movements"] = [m for m in doc["movements"] if _day(m["date"]) <= as_of]
    cut["substitutions"] = [s for s in doc["substitutions"] if s["lesson_id"] in lesson_ids]
    cut["consents"] = [_consent_on(c, as_of) for c in doc["consents"] if c["student_id"] in present]
    return cut


def _still_enrolled(student: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    if "left_on" in student and _day(student["left_on"]) > as_of:
        return {k: v for k, v in student.items() if k != "left_on"}
    return student


def _groups_without(school_class: dict[str, Any], present: set[str]) -> dict[str, Any]:
    if "groups" not in school_class:
        return school_class
    groups = [
        dict(g, student_ids=[s for s in g["student_ids"] if s in present])
        for g in school_class["groups"]
    ]
    return dict(school_class, groups=groups)


def _consent_on(consent: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    if "date" in consent and _day(consent["date"]) > as_of:
        return {k: v for k, v in consent.items() if k not in ("date", "withdrawn_on")} | {
            "status": "pending"
        }
    if "withdrawn_on" in consent and _day(consent["withdrawn_on"]) > as_of:
        return {k: v for k, v in consent.items() if k != "withdrawn_on"} | {"status": "given"}
    return consent
