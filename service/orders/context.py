"""Template contexts: pure functions from a journal snapshot and parameters to plain dicts.

Contexts hold only dicts, lists and strings, so that the sandboxed template sees no Python objects
and every value it may print is listed in the kind's schema (``service.orders.kinds``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from service.documents.common import ru_date as fmt_date
from service.documents.common import ru_long_date
from service.errors import UserError
from service.journal import snapshot as m
from service.orders.kinds import TemplateKind


class ParamError(UserError, ValueError):
    """A ``--param`` value cannot be used; the message is in Russian."""


@dataclass(frozen=True)
class DocumentMeta:
    """Requisites of the document being made: number, date, id and the template version."""

    document_id: str
    date: dt.date
    number: str = ""
    template_version: str = ""


@dataclass(frozen=True)
class ContextRequest:
    """What to build: the kind, the snapshot, parameters (strings, from the CLI or the web)."""

    kind: TemplateKind
    snapshot: m.Snapshot
    meta: DocumentMeta
    params: Mapping[str, str] = field(default_factory=dict)


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


def person(p: m.Person | None, position: str | None = None) -> dict[str, str]:
    """A person as the template sees it."""
    if p is None:
        return {"full_name": "", "short_name": "", "initials_first": "", "position": position or ""}
    return {
        "full_name": p.full_name,
        "short_name": p.short_name,
        "initials_first": p.initials_first,
        "position": position if position is not None else getattr(p, "position", ""),
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
        parts.append(f"выдан {doc.issued_by}")
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
            "date": fmt_date(meta.date),
            "place": s.place,
            "document_id": meta.document_id,
            "template_version": meta.template_version,
        },
    }


def _responsibles(req: ContextRequest) -> dict[str, Any]:
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


def _approval(req: ContextRequest) -> dict[str, Any]:
    day = req.params.get("approved_on")
    return {
        "approval": {
            "order_number": req.params.get("approved_by", "____"),
            "order_date": fmt_date(parse_date(day, "approved_on")) if day else "__.__.____",
        }
    }


def _transfer(req: ContextRequest) -> dict[str, Any]:
    snap = req.snapshot
    wanted = {c.strip() for c in req.params.get("classes", "").split(",") if c.strip()}
    groups = []
    totals = {"promoted": 0, "conditionally": 0, "retained": 0, "graduated": 0}
    for cls in sorted(snap.classes, key=lambda c: (c.grade, c.letter)):
        if wanted and cls.name not in wanted and cls.id not in wanted:
            continue
        lists: dict[str, list[dict[str, Any]]] = {k: [] for k in totals}
        for s in snap.students_of_class.get(cls.id, ()):
            decision = snap.decision_of_student.get(s.id)
            if decision is None:
                continue
            key = {
                m.Decision.PROMOTED: "promoted",
                m.Decision.CONDITIONALLY_PROMOTED: "conditionally",
                m.Decision.RETAINED: "retained",
                m.Decision.GRADUATED: "graduated",
            }.get(decision.decision)
            if key is not None:
                lists[key].append(student(snap, s, decision.note))
        if not any(lists.values()):
            continue
        for key, items in lists.items():
            totals[key] += len(items)
        groups.append(
            {
                "class_name": cls.name,
                "next_class_name": f"{cls.grade + 1}{cls.letter}",
                "teacher": person(snap.staff_by_id.get(cls.teacher_id or "")),
                **lists,
            }
        )
    if not groups:
        raise ParamError("в срезе журнала нет решений педагогического совета о переводе")
    council = req.params.get("council_date")
    debt = req.params.get("debt_deadline")
    return {
        "council": {
            "date": fmt_date(parse_date(council, "council_date"))
            if council
            else fmt_date(snap.as_of),
            "protocol": req.params.get("council_protocol", "____"),
        },
        "classes": groups,
        "debt_deadline": fmt_date(parse_date(debt, "debt_deadline"))
        if debt
        else fmt_date(dt.date(snap.year.end.year, 10, 15)),
        "totals": {k: str(v) for k, v in totals.items()},
    }


def _movement(req: ContextRequest) -> dict[str, Any]:
    snap = req.snapshot
    start = parse_date(req.params["from"], "from") if req.params.get("from") else snap.year.start
    end = parse_date(req.params["to"], "to") if req.params.get("to") else snap.as_of
    out: dict[str, list[dict[str, Any]]] = {"arrivals": [], "leavings": [], "transfers": []}
    for mv in sorted(snap.movements, key=lambda x: (x.date, x.id)):
        if not start <= mv.date <= end:
            continue
        s = snap.student_by_id.get(mv.student_id)
        if s is None:
            continue
        item = {"student": student(snap, s), "date": fmt_date(mv.date), "reason": mv.reason}
        if mv.kind is m.MovementKind.ARRIVAL:
            out["arrivals"].append(
                {
                    **item,
                    "class_name": class_name(snap, mv.to_class_id or s.class_id),
                    "counterpart": mv.counterpart,
                }
            )
        elif mv.kind is m.MovementKind.LEAVING:
            out["leavings"].append(
                {
                    **item,
                    "class_name": class_name(snap, mv.from_class_id or s.class_id),
                    "counterpart": mv.counterpart,
                }
            )
        else:
            out["transfers"].append(
                {
                    **item,
                    "from_class": class_name(snap, mv.from_class_id),
                    "to_class": class_name(snap, mv.to_class_id),
                }
            )
    return {"period": {"start": fmt_date(start), "end": fmt_date(end)}, **out}


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
    day = fmt_date(req.meta.date) if p.get("fill_date") else "«____» ____________ 20___ г."
    return [{"guardian": guardian(g), "student": student(snap, s), "date": day} for g, s in pairs]


DATA_ITEMS = [
    "фамилия, имя, отчество обучающегося и законного представителя",
    "дата рождения, пол обучающегося",
    "данные документов, удостоверяющих личность, и документа, подтверждающего полномочия "
    "законного представителя",
    "адрес места жительства, номера телефонов, адрес электронной почты",
    "класс обучения, сведения о зачислении, переводе и выбытии",
    "сведения об успеваемости (текущие, четвертные, годовые и итоговые отметки) и посещаемости",
]
PURPOSES = [
    "ведение электронного классного журнала и электронного дневника обучающегося",
    "индивидуальный учёт результатов освоения образовательных программ и хранение в архивах "
    "информации об этих результатах на бумажных и (или) электронных носителях",
    "информирование законных представителей о ходе и результатах обучения",
]


def _consent(req: ContextRequest) -> dict[str, Any]:
    return {
        "forms": family_forms(req),
        "purposes": PURPOSES,
        "data_items": DATA_ITEMS,
        "actions": "сбор, запись, систематизация, накопление, хранение, уточнение (обновление, "
        "изменение), извлечение, использование, передача (предоставление, доступ), "
        "обезличивание, блокирование, удаление, уничтожение",
        "methods": "смешанная обработка (автоматизированная, в том числе в государственной "
        "информационной системе, и без средств автоматизации)",
        "third_parties": [
            "органы управления образованием муниципального образования и субъекта "
            "Российской Федерации — в объёме, установленном законодательством"
        ],
        "validity": "на период обучения в образовательной организации и срок хранения документов, "
        "установленный номенклатурой дел и законодательством об архивном деле",
        "withdrawal": "согласие может быть отозвано письменным заявлением, поданным в "
        "образовательную организацию; обработка прекращается в срок, не превышающий "
        "десяти рабочих дней с даты получения отзыва (ч. 5 ст. 21 Федерального закона "
        "от 27.07.2006 № 152-ФЗ)",
    }


def _edelivery(req: ContextRequest) -> dict[str, Any]:
    return {
        "forms": family_forms(req),
        "service_name": req.params.get("service_name", "электронный дневник обучающегося"),
    }


def _refusal(req: ContextRequest) -> dict[str, Any]:
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
        else fmt_date(req.meta.date),
        "class_teacher": person(teacher),
        "consequences": [
            "сведения об успеваемости обучающегося не могут предоставляться законному "
            "представителю в электронной форме",
            "учёт результатов обучения ведётся в объёме, обязательном в силу закона (п. 11 ч. 3 "
            "ст. 28 Федерального закона от 29.12.2012 № 273-ФЗ)",
        ],
    }


BUILDERS = {
    "intro-journal": _responsibles,
    "appoint-responsible": _responsibles,
    "transfer": _transfer,
    "movement": _movement,
    "consent-pd": _consent,
    "application-edelivery": _edelivery,
    "refusal-letter": _refusal,
    "regulation-journal": lambda r: {
        **_responsibles(r),
        **_approval(r),
        "backup_period": "еженедельно",
        "printout_period": "по окончании каждой четверти (полугодия)",
    },
    "rules-journal": lambda r: {
        **_responsibles(r),
        **_approval(r),
        "deadlines": {
            "marks": "в день проведения урока",
            "homework": "не позднее 2 часов после урока",
            "written": "в течение 7 дней",
            "tests": "в течение 3 дней",
        },
        "periods": [
            {"name": p.name, "start": fmt_date(p.start), "end": fmt_date(p.end)}
            for p in r.snapshot.year.periods
        ],
    },
}


def build_context(req: ContextRequest) -> dict[str, Any]:
    """The full context for ``req.kind``: common variables plus the kind's own."""
    return {**common(req), **BUILDERS[req.kind.name](req)}
