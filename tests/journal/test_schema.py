"""The published JSON Schema: well-formed, complete for the model; the docs example passes."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import jsonschema_rs

from service.journal import snapshot as m
from service.journal.adapters.json_format import snapshot_from_document
from service.journal.canonical import iter_entity_lists, snapshot_to_dict
from service.journal.schema_check import is_valid, load_schema
from tests.journal.factories import tiny_snapshot

DOC = Path(__file__).resolve().parents[2] / "docs" / "journal-format.md"

DEF_OF = {
    m.School: "school",
    m.AcademicYear: "academic_year",
    m.Period: "period",
    m.Holiday: "holiday",
    m.StaffMember: "staff_member",
    m.SchoolClass: "class",
    m.Group: "group",
    m.Student: "student",
    m.Guardian: "guardian",
    m.IdentityDocument: "identity_document",
    m.Subject: "subject",
    m.Assignment: "assignment",
    m.Lesson: "lesson",
    m.Mark: "mark",
    m.Attendance: "attendance",
    m.PeriodMark: "period_mark",
    m.YearDecision: "year_decision",
    m.Movement: "movement",
    m.Substitution: "substitution",
    m.Consent: "consent",
}
ENUM_DEF_OF = {
    m.Sex: "sex",
    m.PeriodKind: "period_kind",
    m.Delivery: "delivery",
    m.WorkType: "work_type",
    m.AttendanceCode: "attendance_code",
    m.Decision: "decision",
    m.MovementKind: "movement_kind",
    m.ConsentKind: "consent_kind",
    m.ConsentStatus: "consent_status",
}


def test_schema_is_a_valid_2020_12_schema() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema_rs.meta.validate(schema)


def test_schema_covers_every_field_of_every_entity() -> None:
    defs = load_schema()["$defs"]
    for cls, name in DEF_OF.items():
        fields = {f.name for f in dataclasses.fields(cls)}
        assert set(defs[name]["properties"]) == fields, cls.__name__
        assert defs[name]["additionalProperties"] is False
        required = {
            f.name
            for f in dataclasses.fields(cls)
            if f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
            and "tuple" not in str(f.type)
        }
        assert required <= set(defs[name]["required"]), cls.__name__
    top = load_schema()["properties"]
    assert set(iter_entity_lists()) <= set(top)
    assert {"format", "version", "school", "year", "as_of", "source"} <= set(top)


def test_schema_enums_match_the_model() -> None:
    defs = load_schema()["$defs"]
    for enum_cls, name in ENUM_DEF_OF.items():
        assert defs[name]["enum"] == [e.value for e in enum_cls], name
    assert defs["mark_value"]["enum"] == list(m.MARK_VALUES)
    assert defs["period_mark_value"]["enum"] == list(m.PERIOD_MARK_VALUES)


def test_full_and_canonical_documents_are_valid() -> None:
    assert is_valid(snapshot_to_dict(tiny_snapshot()))
    assert is_valid(snapshot_to_dict(tiny_snapshot(), canonical=True))
    bad = snapshot_to_dict(tiny_snapshot())
    bad["marks"][0]["value"] = 5  # a number, not the string "5"
    assert not is_valid(bad)


def test_docs_example_is_complete_and_imports() -> None:
    text = DOC.read_text("utf-8")
    blocks = re.findall(r"```json\n(.*?)\n```", text, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    snapshot = snapshot_from_document(data, "journal-format.md")
    for name in iter_entity_lists():
        assert getattr(snapshot, name), f"the example has no {name}"
    assert snapshot.year.holidays and any(c.groups for c in snapshot.classes)
