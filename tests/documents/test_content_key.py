"""The content key: data, the policy sections a kind reads, and the template version (the
template, what it extends, includes or imports, and the stylesheets)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from service.documents.content_key import (
    content_key,
    policy_sections,
    template_files,
    template_key,
)
from service.documents.kinds import KINDS, build
from service.documents.period_set import period_jobs
from service.documents.render import TEMPLATES
from service.journal.snapshot import Snapshot
from service.policy import Accumulation, SchoolPolicy, default_policy

POLICY = default_policy()


def _documents(snapshot: Snapshot) -> list[tuple[str, dict[str, Any]]]:
    """One document of every kind and every control report, with its parameters."""
    docs = [(job.kind, dict(job.params)) for job in period_jobs(snapshot, "Q4")]
    school_class = next(c for c in snapshot.classes if c.grade == 9)
    student = snapshot.students_of_class[school_class.id][0]
    docs += [
        ("year-statement", {"class": school_class.id}),
        ("honours-list", {}),
        ("substitution-log", {"month": "2024-10"}),
        ("parent-statement", {"student": student.id, "period": "Q1"}),
        ("control-report", {"report": "attendance", "month": "2024-10"}),
        ("control-report", {"report": "quality", "period": "Q1"}),
    ]
    return docs


def _recording(policy: SchoolPolicy, reads: set[str]) -> SchoolPolicy:
    """The same policy, noting every section the builder reads (also inside its methods)."""
    fields = {f.name for f in dataclasses.fields(SchoolPolicy)}

    class Recording(SchoolPolicy):
        __slots__ = ()

        def __getattribute__(self, name: str) -> Any:
            if name in fields:
                reads.add(name)
            return super().__getattribute__(name)

    return Recording(**{f: getattr(policy, f) for f in fields})


def test_every_kind_declares_the_policy_sections_its_builder_reads(
    sample_snapshot: Snapshot,
) -> None:
    """GIVEN every kind built from the sample school with a policy that notes what is read
    THEN each document read only the sections its kind declares (so the key covers them)."""
    seen_kinds = set()
    every_read: set[str] = set()
    for kind_id, params in _documents(sample_snapshot):
        reads: set[str] = set()
        data = build(sample_snapshot, kind_id, params, _recording(POLICY, reads))
        declared = set(KINDS[kind_id].policy_sections(data))
        assert reads <= declared, (kind_id, params, reads - declared)
        assert declared <= set(policy_sections()), kind_id
        seen_kinds.add(kind_id)
        every_read |= reads
    assert seen_kinds == set(KINDS)
    assert {"medal", "grading", "accumulation", "deadlines", "time_zone"} <= every_read


def test_a_changed_policy_section_changes_the_key_of_the_documents_that_read_it(
    sample_snapshot: Snapshot,
) -> None:
    """GIVEN stricter accumulation thresholds THEN the accumulation report's key changes (its
    policy part) and a journal printout's and the timeliness report's stay the same."""
    stricter = dataclasses.replace(POLICY, accumulation=Accumulation(9, 12))
    class_id = sample_snapshot.classes[0].id
    docs = {
        "accumulation": ("control-report", {"report": "accumulation", "class": class_id}),
        "timeliness": ("control-report", {"report": "timeliness", "class": class_id}),
        "printout": next(
            (j.kind, dict(j.params))
            for j in period_jobs(sample_snapshot, "Q1")
            if j.kind == "journal-printout"
        ),
    }
    keys = {}
    for name, (kind, params) in docs.items():
        params = {**params, "period": params.get("period", "Q1")}
        before = content_key(build(sample_snapshot, kind, params, POLICY), POLICY)
        after = content_key(build(sample_snapshot, kind, params, stricter), stricter)
        keys[name] = (before, after)
    before, after = keys["accumulation"]
    assert before.policy != after.policy and before.value != after.value
    assert after.template == before.template
    for name in ("timeliness", "printout"):
        before, after = keys[name]
        assert before == after, name


def test_the_template_version_covers_extended_and_imported_templates_and_the_stylesheet(
    tmp_path: Path,
) -> None:
    """GIVEN a copy of the templates THEN the medal sheet's version lists its template, base.html,
    _sign.html and the stylesheets; editing base.html, _sign.html or documents.css changes it,
    editing another kind's template does not."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    names = [p.name for p in template_files("medal-sheet.html", folder)]
    assert names[0] == "medal-sheet.html"
    assert {"base.html", "_sign.html", "documents.css"} <= set(names)
    assert "journal-printout.html" not in names

    versions = [template_key("medal-sheet.html", folder)]
    for name, edit in (
        ("journal-printout.html", "<!-- another kind -->"),
        ("base.html", "<!-- header -->"),
        ("_sign.html", "{# signature box #}"),
        ("documents.css", "\n.grid td { padding: 1px; }"),
    ):
        path = folder / name
        path.write_text(path.read_text("utf-8") + edit, encoding="utf-8")
        versions.append(template_key("medal-sheet.html", folder))
    assert versions[1] == versions[0]  # another kind's template
    assert len(set(versions[1:])) == 4  # each shared file moved the version


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_has_a_template_version(kind: str) -> None:
    assert len(template_key(KINDS[kind].template)) == 64
