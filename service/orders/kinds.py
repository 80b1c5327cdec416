"""The template kinds of issue 6: names, archive kinds, registers, signatures and context schemas.

A context schema lists every variable a template of that kind may use. It is a nested mapping:
``None`` marks a scalar (text), a mapping an object with those fields, and a one-item list
``[schema]`` a list whose items follow ``schema``. Uploaded templates are checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from service.errors import UserError

Schema = dict[str, Any]


class Register(StrEnum):
    """Order registers kept per school and year (книги регистрации приказов)."""

    MAIN = "main"  # по основной деятельности
    STUDENTS = "students"  # по контингенту обучающихся


REGISTER_LABELS: dict[str, str] = {
    Register.MAIN: "по основной деятельности",
    Register.STUDENTS: "по контингенту обучающихся",
}

# Default number formats per register; placeholders: {seq} {year} {yy} {month}.
DEFAULT_NUMBER_FORMATS: dict[str, str] = {Register.MAIN: "{seq}", Register.STUDENTS: "{seq}-у"}

PERSON: Schema = {"full_name": None, "short_name": None, "initials_first": None, "position": None}
IDENTITY: Schema = {
    "kind": None,
    "series": None,
    "number": None,
    "issued_by": None,
    "issued_on": None,
    "text": None,
}
STUDENT: Schema = {
    "full_name": None,
    "short_name": None,
    "birth_date": None,
    "class_name": None,
    "address": None,
    "document": IDENTITY,
    "note": None,
}
GUARDIAN: Schema = {
    "full_name": None,
    "short_name": None,
    "initials_first": None,
    "relation": None,
    "phone": None,
    "email": None,
    "address": None,
    "document": IDENTITY,
    "basis": None,
}

COMMON: Schema = {
    "school": {
        "full_name": None,
        "short_name": None,
        "address": None,
        "place": None,
        "inn": None,
        "ogrn": None,
        "phone": None,
        "email": None,
    },
    "director": PERSON,
    "year": {"id": None, "start": None, "end": None, "next_id": None},
    "document": {
        "kind_title": None,
        "title": None,
        "number": None,
        "date": None,
        "place": None,
        "document_id": None,
        "template_version": None,
    },
}

RESPONSIBLES: Schema = {
    "administrator": PERSON,
    "deputy": PERSON,
    "class_teachers": [{"class_name": None, "teacher": PERSON}],
    "effective_date": None,
}

FORM: Schema = {"guardian": GUARDIAN, "student": STUDENT, "date": None}


@dataclass(frozen=True)
class TemplateKind:
    """One kind of editable DOCX template.

    Attributes:
        name: the kind's name, as on the command line (``intro-journal``).
        archive_kind: the document kind for signing and storage (see helpers/kinds.md).
        kind_title: the document kind requisite, «ПРИКАЗ», «ПОЛОЖЕНИЕ»…
        title: the heading (заголовок к тексту).
        register: the order register that numbers it, or ``None`` when it is not numbered there.
        signatures: names of the empty signature fields the PDF carries (``director``…).
        schema: the variables the template may use, beyond :data:`COMMON`.
        per_family: one form per guardian (a ``forms`` list), printable for a whole class.
    """

    name: str
    archive_kind: str
    kind_title: str
    title: str
    register: Register | None
    signatures: tuple[str, ...]
    schema: Schema
    per_family: bool = False

    @property
    def full_schema(self) -> Schema:
        """The common variables plus this kind's own."""
        return {**COMMON, **self.schema}

    @property
    def file_name(self) -> str:
        """The bundled template's file name in ``templates/orders/``."""
        return f"{self.name}.docx"


KINDS: dict[str, TemplateKind] = {
    k.name: k
    for k in (
        TemplateKind(
            "intro-journal",
            "order-main",
            "ПРИКАЗ",
            "О введении электронного классного журнала и электронных дневников",
            Register.MAIN,
            ("director",),
            dict(RESPONSIBLES),
        ),
        TemplateKind(
            "appoint-responsible",
            "order-main",
            "ПРИКАЗ",
            "О назначении ответственных за ведение электронного журнала",
            Register.MAIN,
            ("director",),
            dict(RESPONSIBLES),
        ),
        TemplateKind(
            "transfer",
            "order-students",
            "ПРИКАЗ",
            "О переводе обучающихся в следующий класс",
            Register.STUDENTS,
            ("director",),
            {
                "council": {"date": None, "protocol": None},
                "classes": [
                    {
                        "class_name": None,
                        "next_class_name": None,
                        "teacher": PERSON,
                        "promoted": [STUDENT],
                        "conditionally": [STUDENT],
                        "retained": [STUDENT],
                        "graduated": [STUDENT],
                    }
                ],
                "debt_deadline": None,
                "totals": {
                    "promoted": None,
                    "conditionally": None,
                    "retained": None,
                    "graduated": None,
                },
            },
        ),
        TemplateKind(
            "movement",
            "order-students",
            "ПРИКАЗ",
            "О движении обучающихся",
            Register.STUDENTS,
            ("director",),
            {
                "period": {"start": None, "end": None},
                "arrivals": [
                    {
                        "student": STUDENT,
                        "class_name": None,
                        "date": None,
                        "counterpart": None,
                        "reason": None,
                    }
                ],
                "leavings": [
                    {
                        "student": STUDENT,
                        "class_name": None,
                        "date": None,
                        "counterpart": None,
                        "reason": None,
                    }
                ],
                "transfers": [
                    {
                        "student": STUDENT,
                        "from_class": None,
                        "to_class": None,
                        "date": None,
                        "reason": None,
                    }
                ],
            },
        ),
        TemplateKind(
            "regulation-journal",
            "regulation",
            "ПОЛОЖЕНИЕ",
            "об электронном классном журнале",
            None,
            ("director",),
            {
                **RESPONSIBLES,
                "approval": {"order_number": None, "order_date": None},
                "backup_period": None,
                "printout_period": None,
            },
        ),
        TemplateKind(
            "rules-journal",
            "regulation",
            "РЕГЛАМЕНТ",
            "ведения электронного классного журнала",
            None,
            ("director",),
            {
                **RESPONSIBLES,
                "approval": {"order_number": None, "order_date": None},
                "deadlines": {"marks": None, "homework": None, "written": None, "tests": None},
                "periods": [{"name": None, "start": None, "end": None}],
            },
        ),
        TemplateKind(
            "consent-pd",
            "consent-pd",
            "СОГЛАСИЕ",
            "на обработку персональных данных",
            None,
            (),
            {
                "forms": [FORM],
                "purposes": [None],
                "data_items": [None],
                "actions": None,
                "methods": None,
                "third_parties": [None],
                "validity": None,
                "withdrawal": None,
            },
            per_family=True,
        ),
        TemplateKind(
            "application-edelivery",
            "application-edelivery",
            "ЗАЯВЛЕНИЕ",
            "о предоставлении информации об успеваемости в электронной форме",
            None,
            (),
            {"forms": [FORM], "service_name": None},
            per_family=True,
        ),
        TemplateKind(
            "refusal-letter",
            "refusal-letter",
            "ПИСЬМО",
            "Об отказе законного представителя от дачи согласия на обработку персональных данных",
            None,
            ("director",),
            {
                "authority": {"name": None, "address": None},
                "guardian": GUARDIAN,
                "student": STUDENT,
                "refusal_date": None,
                "class_teacher": PERSON,
                "consequences": [None],
            },
        ),
    )
}


class UnknownOrderKind(UserError, LookupError):
    """No order kind has this name; the message lists the known ones."""


def get_kind(name: str) -> TemplateKind:
    """The kind named ``name``; :class:`UnknownOrderKind` if there is none."""
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(KINDS)
        raise UnknownOrderKind(f"неизвестный вид шаблона «{name}»; известны: {known}") from None
