"""Every bundled template renders a real-looking DOCX from the sample school (no LibreOffice)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from docx import Document

from service.documents.meta import DocumentMeta
from service.journal import snapshot as m
from service.orders.context import ContextRequest, ParamError, build_context, order_meta
from service.orders.kind import OrderKind
from service.orders.kinds import KINDS, get_kind
from service.orders.render import check_usage, docx_text, render_docx, template_source
from service.orders.sample_school import sample_snapshot
from service.orders.versions import TEMPLATES, bundled
from service.russian import full_name

DOCUMENT_ID = "order-main-2025-test00000001"


def meta(kind: OrderKind, snap: m.Snapshot) -> DocumentMeta:
    """Requisites of a test document: number 212/4 of 30.05.2026."""
    return order_meta(
        snap, kind, DOCUMENT_ID, dt.date(2026, 5, 30), number="212/4", template_version="тест v1"
    )


@pytest.fixture(scope="module")
def snap() -> m.Snapshot:
    return sample_snapshot()


def render(kind_name: str, snap: m.Snapshot, params: dict[str, str] | None = None) -> str:
    kind = get_kind(kind_name)
    ctx = build_context(
        ContextRequest(
            kind, snap, meta(kind, snap), params if params is not None else kind.sample_params(snap)
        )
    )
    return docx_text(render_docx(bundled(kind).content, ctx))


@pytest.mark.parametrize("kind_name", list(KINDS))
def test_bundled_template_renders_with_requisites_and_no_tags_left(
    kind_name: str, snap: m.Snapshot
) -> None:
    """GIVEN a bundled template WHEN rendered from the sample school THEN requisites are in."""
    text = render(kind_name, snap)
    assert "{{" not in text and "{%" not in text
    assert snap.school.short_name in text or snap.school.full_name in text
    assert DOCUMENT_ID in text  # footer
    kind = get_kind(kind_name)
    if not kind.per_family:
        assert snap.director is not None and snap.director.initials_first in text
    if kind.register is not None and kind.kind_title != "ПИСЬМО":
        assert "№ 212/4" in text and "30.05.2026" in text and kind.kind_title in text
    # A letter carries no kind requisite; its date and number are in the sender's block (a table).


def test_bundled_templates_use_only_declared_variables() -> None:
    for kind in KINDS.values():
        check_usage(kind, template_source((TEMPLATES / kind.template).read_bytes()))


def test_transfer_lists_every_decision_in_one_table_per_class(snap: m.Snapshot) -> None:
    text = render("transfer", snap)
    doc_tables = Document(
        io.BytesIO(
            render_docx(
                bundled(get_kind("transfer")).content,
                build_context(
                    ContextRequest(get_kind("transfer"), snap, meta(get_kind("transfer"), snap), {})
                ),
            )
        )
    ).tables
    decided = [
        d
        for d in snap.decisions
        if d.decision
        in (
            m.Decision.PROMOTED,
            m.Decision.CONDITIONALLY_PROMOTED,
            m.Decision.RETAINED,
            m.Decision.GRADUATED,
        )
    ]
    assert decided, "the sample school must have year decisions"
    for d in decided:
        assert snap.student_by_id[d.student_id].full_name in text
    classes_with_decisions = {snap.student_by_id[d.student_id].class_id for d in decided}
    for class_id in classes_with_decisions:
        assert f"Класс {snap.class_by_id[class_id].name}" in text
    # one bordered list table per non-empty decision list, plus the two layout tables
    lists = sum(
        1
        for c in classes_with_decisions
        for key in ("promoted", "conditionally", "retained", "graduated")
        if any(
            snap.student_by_id[d.student_id].class_id == c
            and key
            == {
                m.Decision.PROMOTED: "promoted",
                m.Decision.CONDITIONALLY_PROMOTED: "conditionally",
                m.Decision.RETAINED: "retained",
                m.Decision.GRADUATED: "graduated",
            }[d.decision]
            for d in decided
        )
    )
    assert len(doc_tables) == lists + 2
    conditional = [d for d in decided if d.decision == m.Decision.CONDITIONALLY_PROMOTED and d.note]
    for d in conditional:
        assert d.note in text


def test_movement_order_lists_arrivals_and_leavings(demo_snap: m.Snapshot) -> None:
    text = render("movement", demo_snap)
    arrival = next(mv for mv in demo_snap.movements if mv.kind == m.MovementKind.ARRIVAL)
    leaving = next(mv for mv in demo_snap.movements if mv.kind == m.MovementKind.LEAVING)
    assert "Зачислить прибывших" in text and "Отчислить выбывших" in text
    assert demo_snap.student_by_id[arrival.student_id].full_name in text
    assert arrival.counterpart in text and leaving.counterpart in text
    empty = render("movement", demo_snap, {"from": "2026-03-01", "to": "2026-03-31"})
    assert "движения обучающихся не было" in empty


def test_consent_has_every_item_of_152fz_art9_part4(demo_snap: m.Snapshot) -> None:
    """Subject, representative, documents, basis, operator, purpose, data, actions, term…"""
    guardian = demo_snap.guardians[0]
    pupil = next(s for s in demo_snap.students if guardian.id in s.guardian_ids)
    text = render("consent-pd", demo_snap, {"guardian": guardian.id})
    # «Я, Иванова Елена Сергеевна, …, являясь законным представителем … обучающегося Иванова Артёма»
    assert guardian.full_name in text and full_name(pupil, "gen") in text
    assert guardian.document is not None and guardian.document.number in text
    assert pupil.document is not None and pupil.document.number in text
    assert guardian.address in text and pupil.address in text
    assert "ст. 64 Семейного кодекса" in text  # basis of representation
    assert demo_snap.school.full_name in text and demo_snap.school.address in text  # operator
    for item in (
        "Цели обработки",
        "Перечень персональных данных",
        "Перечень действий",
        "Способы обработки",
        "Срок действия согласия",
        "Порядок отзыва",
        "(подпись)",
    ):
        assert item in text, item


def test_consent_forms_for_a_class_one_page_each(demo_snap: m.Snapshot) -> None:
    kind = get_kind("consent-pd")
    ctx = build_context(ContextRequest(kind, demo_snap, meta(kind, demo_snap), {"class": "5А"}))
    docx = render_docx(bundled(kind).content, ctx)
    doc = Document(io.BytesIO(docx))
    breaks = sum(1 for p in doc.paragraphs if p.paragraph_format.page_break_before)
    assert len(ctx["forms"]) == len(demo_snap.students_of_class["5А"])
    assert breaks == len(ctx["forms"]) - 1
    text = docx_text(docx)
    for s in demo_snap.students_of_class["5А"]:
        assert f"обучающегося {full_name(s, 'gen')}," in text


def test_edelivery_application_has_contacts(demo_snap: m.Snapshot) -> None:
    g = demo_snap.guardians[1]
    text = render("application-edelivery", demo_snap, {"guardian": g.id})
    assert g.phone in text and g.email in text and "в электронной форме" in text


def test_refusal_letter_names_authority_student_and_guardian(demo_snap: m.Snapshot) -> None:
    g = demo_snap.guardians[2]
    s = next(x for x in demo_snap.students if g.id in x.guardian_ids)
    text = render(
        "refusal-letter", demo_snap, {"guardian": g.id, "authority": "Управление опеки №1"}
    )
    assert "Управление опеки №1" in text and g.full_name in text and full_name(s, "gen") in text


def test_regulations_fill_responsible_persons_and_periods(demo_snap: m.Snapshot) -> None:
    text = render("rules-journal", demo_snap, {"approved_by": "15", "approved_on": "2025-08-30"})
    assert "от 30.08.2025 № 15" in text
    assert "Крылова Анна Сергеевна" in text and "Белов Николай Андреевич" in text  # admin, deputy
    for period in demo_snap.year.periods:
        assert period.name in text
    text = render("regulation-journal", demo_snap)
    assert "Положение" in text or "ПОЛОЖЕНИЕ" in text
    assert "еженедельно" in text


def test_bad_parameters_are_refused_in_russian(demo_snap: m.Snapshot) -> None:
    with pytest.raises(ParamError, match="нет класса"):
        render("consent-pd", demo_snap, {"class": "12Я"})
    with pytest.raises(ParamError, match="ожидается дата"):
        render("movement", demo_snap, {"from": "вчера"})
    with pytest.raises(ParamError, match="нет сотрудника"):
        render("intro-journal", demo_snap, {"administrator": "nobody"})


def test_names_with_xml_characters_are_escaped(demo_snap: m.Snapshot) -> None:
    import dataclasses

    school = dataclasses.replace(demo_snap.school, short_name="МБОУ «Школа <№7> & Ко»")
    snap = dataclasses.replace(demo_snap, school=school)
    assert "МБОУ «Школа <№7> & Ко»" in render("intro-journal", snap)


def test_generated_templates_are_committed_and_current(tmp_path: Path) -> None:
    """The committed .docx files are what ``service.orders.templates.build`` makes."""
    from service.orders.templates.build import build

    build(tmp_path)
    strip = re.compile(r'w:(id|rsid\w*)="[^"]*"')
    for kind in KINDS.values():
        fresh = template_source((tmp_path / kind.template).read_bytes())
        committed = template_source((TEMPLATES / kind.template).read_bytes())
        assert strip.sub("", fresh) == strip.sub("", committed), kind.id
