"""Письмо в орган опеки: законный представитель отказался дать согласие на обработку ПДн."""

from __future__ import annotations

from typing import Any

from service.journal.snapshot import Snapshot
from service.orders.context import (
    ContextRequest,
    ParamError,
    fmt_date,
    guardian,
    parse_date,
    person,
    student,
)
from service.orders.kind import OrderKind, Param, ParamType
from service.orders.schema import GUARDIAN, PERSON, STUDENT

SCHEMA = {
    "authority": {"name": None, "address": None},
    "guardian": GUARDIAN,
    "student": STUDENT,
    "refusal_date": None,
    "class_teacher": PERSON,
    "consequences": [None],
}


def build(req: ContextRequest) -> dict[str, Any]:
    """The letter about ``guardian`` (and ``student``) to the guardianship authority."""
    snap, p = req.snapshot, req.params
    gid = p.get("guardian")
    if not gid or gid not in snap.guardian_by_id:
        raise ParamError("укажите guardian=ИД законного представителя, отказавшегося от согласия")
    g = snap.guardian_by_id[gid]
    sid = p.get("student") or next((s.id for s in snap.students if gid in s.guardian_ids), None)
    s = snap.student_by_id.get(sid or "")
    if s is None:
        raise ParamError("параметр student: обучающийся не найден")
    cls = snap.class_by_id.get(s.class_id)
    teacher = snap.staff_by_id.get(cls.teacher_id or "") if cls else None
    refused = p.get("refusal_date")
    return {
        "authority": {
            "name": p.get(
                "authority",
                "Отдел опеки и попечительства администрации "
                f"муниципального образования {snap.school.place}",
            ),
            "address": p.get("authority_address", ""),
        },
        "guardian": guardian(g),
        "student": student(snap, s),
        "refusal_date": fmt_date(parse_date(refused, "refusal_date"))
        if refused
        else fmt_date(req.meta.issued_on),
        "class_teacher": person(teacher),
        "consequences": [
            "сведения об успеваемости обучающегося не могут предоставляться законному "
            "представителю в электронной форме",
            "учёт результатов обучения ведётся в объёме, обязательном в силу закона (п. 11 ч. 3 "
            "ст. 28 Федерального закона от 29.12.2012 № 273-ФЗ)",
        ],
    }


def sample_params(snapshot: Snapshot) -> dict[str, str]:
    """The letter about the sample school's first guardian."""
    return {"guardian": snapshot.guardians[0].id}


KIND = OrderKind(
    id="refusal-letter",
    kind_title="ПИСЬМО",
    title="Об отказе законного представителя от дачи согласия на обработку персональных данных",
    retention="refusal-letter",
    schema=SCHEMA,
    build=build,
    sample_params=sample_params,
    params=(
        Param("guardian", "Законный представитель", ParamType.GUARDIAN, required=True),
        Param(
            "student",
            "Обучающийся",
            ParamType.STUDENT,
            help="Если не выбран — первый ребёнок этого представителя.",
        ),
        Param("refusal_date", "Дата отказа", ParamType.DATE, help="Если не указана — дата письма."),
        Param("authority", "Орган опеки", help="Если не указан — отдел опеки муниципалитета."),
        Param("authority_address", "Адрес органа опеки"),
    ),
)
