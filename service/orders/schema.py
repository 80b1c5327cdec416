"""Context schemas: the variables a template of an order kind may use.

A schema is a nested mapping: ``None`` marks a scalar (text), a mapping an object with those
fields, and a one-item list ``[schema]`` a list whose items follow ``schema``. Uploaded templates
are checked against their kind's schema, so a template cannot print what the context lacks.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

# The name's parts and sex («М»/«Ж») are what the Russian filters decline by (docs/russian.md).
NAME_PARTS: Schema = {"last_name": None, "first_name": None, "middle_name": None, "sex": None}
PERSON: Schema = {
    "full_name": None,
    "short_name": None,
    "initials_first": None,
    "position": None,
    **NAME_PARTS,
}
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
    **NAME_PARTS,
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
    **NAME_PARTS,
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
"""Variables every kind has (:func:`service.orders.context.common` fills them)."""

RESPONSIBLES: Schema = {
    "administrator": PERSON,
    "deputy": PERSON,
    "class_teachers": [{"class_name": None, "teacher": PERSON}],
    "effective_date": None,
}
"""Who keeps the electronic journal (:func:`service.orders.context.responsibles`)."""

APPROVAL: Schema = {"approval": {"order_number": None, "order_date": None}}
"""The order that approved a regulation (:func:`service.orders.context.approval`)."""

FORM: Schema = {"guardian": GUARDIAN, "student": STUDENT, "date": None}
"""One family's form (:func:`service.orders.context.family_forms`)."""
