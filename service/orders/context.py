"""Template contexts: the parts every order kind shares, and the one entry point.

Contexts hold only dicts, lists and strings, so that the sandboxed template sees no Python objects
and every value it may print is listed in the kind's schema. The kind-specific part is built by
the kind's own module (``service/orders/kinds/``); the helpers here (school, people, responsibles,
family forms) are what several kinds use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from service.documents.common import ru_date as fmt_date
from service.documents.common import ru_long_date
from service.documents.meta import DocumentMeta
from service.errors import UserError
from service.journal import snapshot as m
from service.orders.kind import OrderKind
from service.policy import SchoolPolicy, default_policy
from service.russian import agree, decline_phrase, sex_of


class ParamError(UserError, ValueError):
    """A ``--param`` value cannot be used; the message is in Russian."""


@dataclass(frozen=True)
class ContextRequest:
    """What to build: the kind, the snapshot, parameters (strings, from the CLI or the web)."""

    kind: OrderKind
    snapshot: m.Snapshot
    meta: DocumentMeta
    params: Mapping[str, str] = field(default_factory=dict)
    policy: SchoolPolicy = field(default_factory=default_policy)
    """The school's rules; the Регламент and the Положение print its deadlines."""


def order_meta(
    snapshot: m.Snapshot,
    kind: OrderKind,
    document_id: str,
    day: dt.date,
    *,
    number: str = "",
    template_version: str = "",
) -> DocumentMeta:
    """The requisites of an order of ``kind`` made on ``day`` from ``snapshot``."""
    school, director = snapshot.school, snapshot.director
    return DocumentMeta(
        kind=kind.id,
        document_id=document_id,
        title=kind.full_title,
        school_id=school.id,
        school_name=school.full_name,
        school_short_name=school.short_name,
        place=school.place,
        issued_on=day,
        year_id=snapshot.year.id,
        snapshot_id=snapshot.snapshot_id,
        director=director.initials_first if director else "",
        signatures=kind.signers,
        number=number,
        template_version=template_version,
    )


def fmt_date_long(day: dt.date | None) -> str:
    """«1 сентября 2025 г.», or an empty string."""
    return ru_long_date(day) if day else ""


def parse_date(value: str, name: str) -> dt.date:
    """A date from «2025-09-01» or «01.09.2025»."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise ParamError(
        f"параметр {name}: ожидается дата ГГГГ-ММ-ДД или ДД.ММ.ГГГГ, получено «{value}»"
    )


SEX_LETTER = {m.Sex.MALE: "М", m.Sex.FEMALE: "Ж"}


def name_parts(p: m.Person | None, sex: m.Sex | None = None) -> dict[str, str]:
    """The parts of a name and the sex («М»/«Ж») the Russian filters decline by.

    The sex comes from the data when it has one, else from the patronymic or the first name.
    """
    if p is None:
        return {"last_name": "", "first_name": "", "middle_name": "", "sex": ""}
    return {
        "last_name": p.last_name,
        "first_name": p.first_name,
        "middle_name": p.middle_name,
        "sex": SEX_LETTER[sex if sex is not None else sex_of(p)],
    }


def person(p: m.Person | None, position: str | None = None) -> dict[str, str]:
    """A person as the template sees it."""
    if p is None:
        return {
            "full_name": "",
            "short_name": "",
            "initials_first": "",
            "position": position or "",
            **name_parts(None),
        }
    return {
        "full_name": p.full_name,
        "short_name": p.short_name,
        "initials_first": p.initials_first,
        "position": position if position is not None else getattr(p, "position", ""),
        **name_parts(p),
    }


def identity(doc: m.IdentityDocument | None) -> dict[str, str]:
    """An identity document with a ready-made one-line ``text``."""
    if doc is None:
        blank = "_" * 40
        return {
            "kind": "",
            "series": "",
            "number": "",
            "issued_by": "",
            "issued_on": "",
            "text": blank,
        }
    parts = [doc.kind]
    if doc.series or doc.number:
        parts.append(f"серия {doc.series} № {doc.number}".replace("серия  ", ""))
    if doc.issued_by:
        # «свидетельство … выдано Отделом ЗАГС», «паспорт … выдан УМВД»
        parts.append(f"{agree('выдан', doc.kind)} {decline_phrase(doc.issued_by, 'ins')}")
    if doc.issued_on:
        parts.append(fmt_date(doc.issued_on))
    return {
        "kind": doc.kind,
        "series": doc.series,
        "number": doc.number,
        "issued_by": doc.issued_by,
        "issued_on": fmt_date(doc.issued_on),
        "text": ", ".join(parts),
    }


def class_name(snap: m.Snapshot, class_id: str | None) -> str:
    """The class's name («5А»), or the id when the class is unknown."""
    if not class_id:
        return ""
    cls = snap.class_by_id.get(class_id)
    return cls.name if cls else class_id


def student(snap: m.Snapshot, s: m.Student, note: str = "") -> dict[str, Any]:
    """A student as the template sees it."""
    return {
        "full_name": s.full_name,
        "short_name": s.short_name,
        **name_parts(s, s.sex),
        "birth_date": fmt_date(s.birth_date),
        "class_name": class_name(snap, s.class_id),
        "address": s.address,
        "document": identity(s.document),
        "note": note,
    }


BASIS = {
    "мать": "родитель (мать)",
    "отец": "родитель (отец)",
    "опекун": "опекун",
    "попечитель": "попечитель",
}


def guardian(g: m.Guardian) -> dict[str, Any]:
    """A guardian with the basis of representation (ст. 64 СК РФ for parents)."""
    relation = g.relation or "законный представитель"
    if relation in ("мать", "отец", ""):
        basis = f"{BASIS.get(relation, 'родитель')}, ст. 64 Семейного кодекса Российской Федерации"
    else:
        basis = f"{BASIS.get(relation, relation)}, акт органа опеки и попечительства о назначении"
    return {
        "full_name": g.full_name,
        "short_name": g.short_name,
        "initials_first": g.initials_first,
        **name_parts(g),  # the sex from «мать»/«отец», else from the patronymic
        "relation": relation,
        "phone": g.phone,
        "email": g.email,
        "address": g.address,
        "document": identity(g.document),
        "basis": basis,
    }


def _staff(
    snap: m.Snapshot, params: Mapping[str, str], key: str, words: tuple[str, ...]
) -> dict[str, str]:
    """A staff member named by ``--param key=STAFF_ID``, or the first whose position has a word."""
    wanted = params.get(key)
    if wanted:
        found = snap.staff_by_id.get(wanted)
        if found is None:
            raise ParamError(f"параметр {key}: нет сотрудника с идентификатором «{wanted}»")
        return person(found)
    for s in snap.staff:
        if any(w in s.position.lower() for w in words):
            return person(s)
    return person(None, "")


def common(req: ContextRequest) -> dict[str, Any]:
    """Variables every kind has: school, director, year, document requisites."""
    snap, kind, meta = req.snapshot, req.kind, req.meta
    s = snap.school
    start_year = snap.year.start.year
    return {
        "school": {
            "full_name": s.full_name,
            "short_name": s.short_name,
            "address": s.address,
            "place": s.place,
            "inn": s.inn,
            "ogrn": s.ogrn,
            "phone": s.phone,
            "email": s.email,
        },
        "director": person(snap.director, "Директор"),
        "year": {
            "id": snap.year.id,
            "start": fmt_date(snap.year.start),
            "end": fmt_date(snap.year.end),
            "next_id": f"{start_year + 1}/{start_year + 2}",
        },
        "document": {
            "kind_title": kind.kind_title,
            "title": kind.title,
            "number": meta.number,
            "date": fmt_date(meta.issued_on),
            "place": s.place,
            "document_id": meta.document_id,
            "template_version": meta.template_version,
        },
    }


def responsibles(req: ContextRequest) -> dict[str, Any]:
    """Who keeps the journal: administrator, deputy, class teachers, from when."""
    snap = req.snapshot
    teachers = []
    for cls in sorted(snap.classes, key=lambda c: (c.grade, c.letter)):
        teacher = snap.staff_by_id.get(cls.teacher_id or "")
        teachers.append({"class_name": cls.name, "teacher": person(teacher)})
    effective = req.params.get("effective_date")
    return {
        "administrator": _staff(snap, req.params, "administrator", ("администратор", "информатик")),
        "deputy": _staff(snap, req.params, "deputy", ("заместитель", "зам.")),
        "class_teachers": teachers,
        "effective_date": fmt_date(
            parse_date(effective, "effective_date") if effective else snap.year.start
        ),
    }


def approval(req: ContextRequest) -> dict[str, Any]:
    """The order that approved a regulation: ``approved_by`` (number) and ``approved_on``."""
    day = req.params.get("approved_on")
    return {
        "approval": {
            "order_number": req.params.get("approved_by", "____"),
            "order_date": fmt_date(parse_date(day, "approved_on")) if day else "__.__.____",
        }
    }


def family_forms(req: ContextRequest) -> list[dict[str, Any]]:
    """One form per (guardian, student) of the chosen class, student or guardian."""
    snap, p = req.snapshot, req.params
    if p.get("guardian"):
        g = snap.guardian_by_id.get(p["guardian"])
        if g is None:
            raise ParamError(f"параметр guardian: нет законного представителя «{p['guardian']}»")
        pupils = [s for s in snap.students if g.id in s.guardian_ids]
        pairs = [(g, s) for s in pupils]
    elif p.get("student"):
        s = snap.student_by_id.get(p["student"])
        if s is None:
            raise ParamError(f"параметр student: нет обучающегося «{p['student']}»")
        pairs = [
            (snap.guardian_by_id[gid], s) for gid in s.guardian_ids if gid in snap.guardian_by_id
        ]
    else:
        wanted = p.get("class")
        if not wanted:
            raise ParamError("укажите class=5А, student=ИД или guardian=ИД")
        cls = next((c for c in snap.classes if wanted in (c.name, c.id)), None)
        if cls is None:
            raise ParamError(f"параметр class: нет класса «{wanted}»")
        pairs = [
            (snap.guardian_by_id[gid], s)
            for s in snap.students_of_class.get(cls.id, ())
            if s.left_on is None
            for gid in s.guardian_ids
            if gid in snap.guardian_by_id
        ]
    if not pairs:
        raise ParamError("нет ни одного законного представителя для заполнения формы")
    day = fmt_date(req.meta.issued_on) if p.get("fill_date") else "«____» ____________ 20___ г."
    return [{"guardian": guardian(g), "student": student(snap, s), "date": day} for g, s in pairs]


def build_context(req: ContextRequest) -> dict[str, Any]:
    """The full context for ``req.kind``: common variables plus the kind's own."""
    return {**common(req), **req.kind.build(req)}
