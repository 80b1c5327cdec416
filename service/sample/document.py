"""Assemble the canonical JSON document (format v1) from the generated parts of the year."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from service.journal.snapshot import FORMAT_NAME, FORMAT_VERSION, PeriodKind
from service.sample import curriculum
from service.sample.calendar import SchoolCalendar
from service.sample.consents import ConsentBook
from service.sample.decisions import Outcomes
from service.sample.journal import Journal
from service.sample.lessons import LessonPlan
from service.sample.people import PLACE, REGION, ClassPlan, StudentRec
from service.sample.results import PeriodMarkRec
from service.sample.staff import Staffing, group_ids
from service.sample.story import Story


@dataclass(frozen=True, slots=True)
class YearParts:
    """Everything generated for the year, ready to be written as one document."""

    calendar: SchoolCalendar
    plans: tuple[ClassPlan, ...]
    staffing: Staffing
    story: Story
    groups: dict[str, list[str]]
    lesson_plan: LessonPlan
    journal: Journal
    period_marks: tuple[PeriodMarkRec, ...]
    outcomes: Outcomes
    book: ConsentBook


def _check_digit(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10)


def _school(rng: random.Random, director_id: str, seed: int) -> dict[str, Any]:
    number = 7 if seed == 7 else rng.randint(1, 40)
    inn9 = f"69{rng.randint(10, 99)}{rng.randint(0, 99999):05d}"
    inn = inn9 + _check_digit(inn9, (2, 4, 10, 3, 5, 9, 4, 6, 8))
    ogrn12 = f"10269{rng.randint(0, 9999999):07d}"
    ogrn = ogrn12 + str(int(ogrn12) % 11 % 10)
    house = rng.randint(1, 30)
    return {
        "id": f"school-{number}",
        "full_name": (
            "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная "
            f"школа № {number}» г. Новоозёрска"
        ),
        "short_name": f"МБОУ СОШ № {number}",
        "address": f"171{rng.randint(100, 999)}, {REGION}, {PLACE}, ул. Школьная, д. {house}",
        "place": PLACE,
        "director_id": director_id,
        "inn": inn,
        "ogrn": ogrn,
        "phone": f"+7 48{rng.randint(200, 299)} {rng.randint(100, 999)}-{rng.randint(10, 99)}",
        "email": f"school{number}@novoozersk-edu.ru",
    }


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _student_document(s: StudentRec, rng: random.Random, as_of: dt.date) -> dict[str, Any]:
    try:
        fourteen = s.birth_date.replace(year=s.birth_date.year + 14)
    except ValueError:  # 29 February
        fourteen = dt.date(s.birth_date.year + 14, 3, 1)
    passport_on = fourteen + dt.timedelta(days=rng.randint(10, 40))
    if passport_on <= as_of:
        return {
            "kind": "паспорт гражданина РФ",
            "series": f"28 {rng.randint(10, 25)}",
            "number": f"{rng.randint(0, 999999):06d}",
            "issued_by": "УМВД России по Тверской области",
            "issued_on": passport_on.isoformat(),
        }
    roman = ("I", "II", "III", "IV", "V", "VI")[rng.randrange(6)]
    return {
        "kind": "свидетельство о рождении",
        "series": f"{roman}-ОН",
        "number": f"{rng.randint(0, 999999):06d}",
        "issued_by": "Отдел ЗАГС администрации г. Новоозёрска",
        "issued_on": (s.birth_date + dt.timedelta(days=rng.randint(5, 30))).isoformat(),
    }


def assemble(
    parts: YearParts, rng: random.Random, seed: int, as_of: dt.date, papers_day: dt.date
) -> dict[str, Any]:
    """The document: JSON keys are the model's field names; empty optional fields are left out."""
    calendar, plans, staffing, story = parts.calendar, parts.plans, parts.staffing, parts.story
    groups, lesson_plan, journal = parts.groups, parts.lesson_plan, parts.journal
    period_marks, outcomes, book = parts.period_marks, parts.outcomes, parts.book
    doc: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "source": f"Генератор учебной школы Vedomost (seed {seed})",
        "as_of": as_of.isoformat(),
        "school": _school(rng, staffing.director_id, seed),
        "year": {
            "id": calendar.year_id,
            "start": calendar.start.isoformat(),
            "end": calendar.end.isoformat(),
            "periods": [
                {
                    "id": t.id,
                    "name": t.name,
                    "kind": PeriodKind(calendar.kind).value,
                    "start": t.start.isoformat(),
                    "end": t.end.isoformat(),
                }
                for t in calendar.terms
            ],
            "holidays": [
                {"name": b.name, "start": b.start.isoformat(), "end": b.end.isoformat()}
                for b in calendar.breaks
            ],
        },
        "staff": [
            {
                "id": s.id,
                "last_name": s.last_name,
                "first_name": s.first_name,
                "middle_name": s.middle_name,
                "position": s.position,
            }
            for s in staffing.staff
        ],
        "classes": [
            _clean(
                {
                    "id": p.id,
                    "grade": p.grade,
                    "letter": p.letter,
                    "teacher_id": staffing.class_teacher[p.id],
                    "groups": [
                        {
                            "id": gid,
                            "name": f"Английский язык, группа {gid[-1]}",
                            "student_ids": groups[gid],
                        }
                        for gid in group_ids(p.id)
                        if gid in groups
                    ]
                    or None,
                }
            )
            for p in plans
        ],
        "students": [
            _clean(
                {
                    "id": s.id,
                    "last_name": s.last_name,
                    "first_name": s.first_name,
                    "middle_name": s.middle_name,
                    "birth_date": s.birth_date.isoformat(),
                    "sex": "M" if s.male else "F",
                    "class_id": s.class_id,
                    "enrolled_on": s.enrolled_on.isoformat(),
                    "left_on": _iso(s.left_on),
                    "guardian_ids": list(s.guardian_ids),
                    "medal_candidate": s.medal_candidate,
                    "document": _student_document(s, rng, papers_day),
                    "address": s.address,
                }
            )
            for s in story.students
        ],
        "guardians": [
            _clean(
                {
                    "id": g.id,
                    "last_name": g.last_name,
                    "first_name": g.first_name,
                    "middle_name": g.middle_name,
                    "relation": g.relation,
                    "phone": g.phone,
                    "email": g.email or None,
                    "address": g.address,
                    "delivery": "paper" if g.paper else "electronic",
                    "document": {
                        "kind": "паспорт гражданина РФ",
                        "series": g.passport_series,
                        "number": g.passport_number,
                        "issued_by": "УМВД России по Тверской области",
                        "issued_on": g.passport_issued_on.isoformat(),
                    },
                }
            )
            for g in book.guardians
        ],
        "subjects": [
            {"id": spec.id, "name": spec.name, "short_name": spec.short_name}
            for spec in curriculum.SUBJECTS
        ],
        "assignments": [
            _clean(
                {
                    "id": a.id,
                    "class_id": a.class_id,
                    "subject_id": a.subject_id,
                    "teacher_id": a.teacher_id,
                    "hours_per_week": float(a.hours),
                    "group_id": a.group_id,
                }
            )
            for a in staffing.assignments
        ],
        "lessons": [
            _clean(
                {
                    "id": x.id,
                    "date": x.date.isoformat(),
                    "number": x.number,
                    "class_id": x.class_id,
                    "subject_id": x.subject_id,
                    "teacher_id": x.teacher_id,
                    "group_id": x.group_id,
                    "substitute_id": x.substitute_id,
                    "topic": x.topic,
                    "homework": x.homework or None,
                    "work_type": x.work_type.value
                    if hasattr(x.work_type, "value")
                    else x.work_type,
                    "entered_at": x.entered_at,
                    "homework_entered_at": x.homework_entered_at,
                }
            )
            for x in lesson_plan.lessons
        ],
        "marks": [
            {
                "id": m.id,
                "lesson_id": m.lesson_id,
                "student_id": m.student_id,
                "value": m.value,
                "work_type": str(m.work_type),
                "entered_at": m.entered_at,
            }
            for m in journal.marks
        ],
        "attendance": [
            {"lesson_id": a.lesson_id, "student_id": a.student_id, "code": str(a.code)}
            for a in journal.attendance
        ],
        "period_marks": [
            {
                "student_id": p.student_id,
                "subject_id": p.subject_id,
                "period_id": p.period_id,
                "value": p.value,
            }
            for p in period_marks
        ],
        "decisions": [
            _clean(
                {
                    "student_id": d.student_id,
                    "decision": str(d.decision),
                    "order_number": d.order_number,
                    "order_date": d.order_date.isoformat(),
                    "note": d.note or None,
                }
            )
            for d in outcomes.decisions
        ],
        "movements": [
            _clean(
                {
                    "id": m.id,
                    "student_id": m.student_id,
                    "kind": str(m.kind),
                    "date": m.date.isoformat(),
                    "order_number": m.order_number,
                    "order_date": m.order_date.isoformat(),
                    "from_class_id": m.from_class_id,
                    "to_class_id": m.to_class_id,
                    "counterpart": m.counterpart,
                    "reason": m.reason,
                }
            )
            for m in outcomes.movements
        ],
        "substitutions": [
            {
                "id": s.id,
                "date": s.date.isoformat(),
                "lesson_number": s.number,
                "class_id": s.class_id,
                "subject_id": s.subject_id,
                "absent_teacher_id": s.absent_teacher_id,
                "substitute_id": s.substitute_id,
                "reason": s.reason,
                "hours": 1.0,
                "paid": s.paid,
                "lesson_id": s.lesson_id,
            }
            for s in lesson_plan.substitutions
        ],
        "consents": [
            _clean(
                {
                    "id": c.id,
                    "guardian_id": c.guardian_id,
                    "student_id": c.student_id,
                    "kind": str(c.kind),
                    "status": str(c.status),
                    "date": _iso(c.date),
                    "withdrawn_on": _iso(c.withdrawn_on),
                }
            )
            for c in book.consents
        ],
    }
    return doc
