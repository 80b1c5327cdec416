"""What a school signs reads as Russian: no codes, no English but the data's, no placeholders.

GIVEN the small sample school, WHEN its whole period-end set (2 четверть) and its yearly set (the
yearly statement of every class, the year's medal and honours sheets, a month's substitution log,
the data-quality report) are rendered, THEN no document has a Latin word that is not in the
journal's own text, no placeholder name, and each is dated by what it is.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from service.documents.kinds import render_kind
from service.documents.period_set import render_period_set
from service.policy import default_policy

pytestmark = pytest.mark.slow

LATIN = re.compile(r"[A-Za-z]+")
ROMAN = re.compile(r"[IVX]+")  # «медаль II степени»
# The footer's identifiers are codes by design: the document id and the snapshot hash.
IDENTIFIERS = re.compile(r"VD-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}|журнала [0-9a-f]{12}")
PLACEHOLDERS = ("И. О. Фамилия", "Фамилия И. О.", "None", "null", "{{", "}}")


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def data_words(school: dict) -> set[str]:
    """Latin words the journal itself writes: topics, homework, names, places."""
    texts: list[str] = []
    for lesson in school.get("lessons", ()):
        texts += [lesson.get("topic") or "", lesson.get("homework") or ""]
    for key in ("staff", "students", "guardians"):
        for person in school.get(key, ()):
            texts += [person.get(k) or "" for k in ("last_name", "first_name", "middle_name")]
    texts += [json.dumps(school["school"], ensure_ascii=False)]
    texts += [m.get("counterpart") or "" for m in school.get("movements", ())]
    texts += [c.get("name") or "" for c in school.get("classes", ()) for c in c.get("groups", ())]
    return {w for t in texts for w in LATIN.findall(t)}


def foreign_words(path: Path, allowed: set[str]) -> set[str]:
    text = IDENTIFIERS.sub("", pdf_text(path))
    return {w for w in LATIN.findall(text) if w not in allowed and not ROMAN.fullmatch(w)}


@pytest.fixture(scope="module")
def rendered(sample_snapshot, tmp_path_factory):
    out = tmp_path_factory.mktemp("sets")
    policy = default_policy()
    period_set = render_period_set(
        sample_snapshot, "Q2", out / "q2", workers=2, print_pack=False, policy=policy
    )
    assert not period_set.problems
    paths = [d.path for d in period_set.documents]
    yearly = []
    for school_class in sample_snapshot.classes:
        if not sample_snapshot.students_of_class.get(school_class.id):
            continue
        name = school_class.id
        yearly.append(
            render_kind(
                sample_snapshot,
                "year-statement",
                {"class": name},
                out / "year" / f"{name}-year.pdf",
                policy,
            ).path
        )
        if any(s.medal_candidate for s in sample_snapshot.students_of_class[school_class.id]):
            yearly.append(
                render_kind(
                    sample_snapshot,
                    "medal-sheet",
                    {"class": name, "period": "Q4"},
                    out / "year" / f"{name}-medal.pdf",
                    policy,
                ).path
            )
    for kind, params, file in (
        ("substitution-log", {"month": "2024-10"}, "subst.pdf"),
        ("control-report", {"report": "quality"}, "quality.pdf"),
        ("control-report", {"report": "attendance", "month": "2024-10"}, "att.pdf"),
    ):
        yearly.append(render_kind(sample_snapshot, kind, params, out / "year" / file, policy).path)
    return paths, yearly


def test_period_and_yearly_sets_have_no_latin_words_but_the_journals_own(
    rendered, sample_school_dict
):
    allowed = data_words(sample_school_dict)
    paths, yearly = rendered
    found = {p.name: foreign_words(p, allowed) for p in [*paths, *yearly]}
    assert {k: v for k, v in found.items() if v} == {}


def test_no_document_prints_a_placeholder(rendered):
    paths, yearly = rendered
    for path in [*paths, *yearly]:
        text = pdf_text(path)
        for placeholder in PLACEHOLDERS:
            assert placeholder not in text, (path.name, placeholder)


def test_documents_are_dated_by_their_period_and_print_the_data_date(rendered, sample_snapshot):
    paths, yearly = rendered
    q2 = sample_snapshot.period_by_id["Q2"].end.strftime("%d.%m.%Y")
    as_of = sample_snapshot.as_of.strftime("%d.%m.%Y")
    summary = next(p for p in paths if p.name == "period-summary.pdf")
    text = pdf_text(summary)
    assert q2 in text.split("данные журнала")[0]
    assert f"данные журнала на {as_of}" in text
    assert "за 2 четверть" in text
    assert "ЗА ПЕРИОД" not in text
    log = pdf_text(next(p for p in yearly if p.name == "subst.pdf"))
    assert "31.10.2024" in log.split("данные журнала")[0]
