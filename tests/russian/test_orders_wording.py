"""Orders and family forms read as a school would sign them: names declined, words agreeing.

The people are renamed by hand (names no generator made) in the orders' demo school; the
expected sentences are checked by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from service.journal import snapshot as m
from service.orders.context import ContextRequest, build_context, order_meta
from service.orders.kinds import get_kind
from service.orders.render import docx_text, render_docx
from service.orders.sample_school import demo_snapshot
from service.orders.versions import bundled


def named(relation: str) -> m.Snapshot:
    """The demo school with an administrator, a deputy, and the Белых family."""
    snap = demo_snapshot()
    staff = []
    for s in snap.staff:
        if s.id == "t-adm":
            s = dataclasses.replace(
                s,
                last_name="Дмитриева",
                first_name="Полина",
                middle_name="Олеговна",
                position="учитель информатики",
            )
        elif s.id == "t-dep":
            s = dataclasses.replace(
                s,
                last_name="Наумова",
                first_name="Эвелина",
                middle_name="Романовна",
                position="заместитель директора по УВР",
            )
        staff.append(s)
    pupil, parent = snap.students[0], snap.guardian_by_id[snap.students[0].guardian_ids[0]]
    girl = dataclasses.replace(
        pupil, last_name="Белых", first_name="Алёна", middle_name="Сергеевна", sex=m.Sex.FEMALE
    )
    first, middle = ("Сергей", "Петрович") if relation == "отец" else ("Ольга", "Ивановна")
    guardian = dataclasses.replace(
        parent, last_name="Белых", first_name=first, middle_name=middle, relation=relation
    )
    return dataclasses.replace(
        snap,
        staff=tuple(staff),
        students=(girl, *snap.students[1:]),
        guardians=tuple(guardian if g.id == parent.id else g for g in snap.guardians),
    )


def render(kind_name: str, snap: m.Snapshot, params: dict[str, str] | None = None) -> str:
    kind = get_kind(kind_name)
    meta = order_meta(snap, kind, "order-main-2025-test00000002", dt.date(2026, 5, 30), number="15")
    ctx = build_context(ContextRequest(kind, snap, meta, params or {}))
    return " ".join(docx_text(render_docx(bundled(kind).content, ctx)).split())


@pytest.fixture(scope="module")
def father() -> m.Snapshot:
    return named("отец")


@pytest.fixture(scope="module")
def mother() -> m.Snapshot:
    return named("мать")


def test_appointment_declines_names_and_positions(father: m.Snapshot) -> None:
    text = render("appoint-responsible", father)
    assert (
        "1. Назначить ответственной за администрирование электронного журнала "
        "Дмитриеву Полину Олеговну, учителя информатики." in text
    )
    assert (
        "2. Назначить ответственной за контроль ведения электронного журнала "
        "Наумову Эвелину Романовну, заместителя директора по УВР." in text
    )


def test_introduction_order_addresses_the_deputy_in_the_dative(father: m.Snapshot) -> None:
    text = render("intro-journal", father)
    assert "Заместителю директора Наумовой Эвелине Романовне обеспечить контроль" in text
    assert (
        "администратором электронного журнала Дмитриеву Полину Олеговну, учителя информатики."
        in text
    )


def test_consent_form_of_a_father_for_his_daughter(father: m.Snapshot) -> None:
    text = render("consent-pd", father, {"guardian": father.students[0].guardian_ids[0]})
    assert "Директору МБОУ «СОШ № 7» от Белых Сергея Петровича," in text
    assert "Я, Белых Сергей Петрович," in text
    assert "проживающий по адресу" in text and "проживающий(ая)" not in text
    assert "несовершеннолетнего обучающегося Белых Алёны Сергеевны," in text
    assert (
        "свидетельство о рождении, серия II-МЮ № 600100, выдано Отделом ЗАГС г. Зареченска" in text
    )


def test_consent_form_of_a_mother(mother: m.Snapshot) -> None:
    text = render("consent-pd", mother, {"guardian": mother.students[0].guardian_ids[0]})
    assert "от Белых Ольги Ивановны," in text and "проживающая по адресу" in text


@pytest.mark.parametrize(("relation", "verb"), [("отец", "отказался"), ("мать", "отказалась")])
def test_refusal_letter_agrees_with_the_parent(relation: str, verb: str) -> None:
    snap = named(relation)
    text = render("refusal-letter", snap, {"guardian": snap.students[0].guardian_ids[0]})
    assert "обучающегося 5А класса Белых Алёны Сергеевны," in text
    assert (
        f"— Белых {'Сергей Петрович' if relation == 'отец' else 'Ольга Ивановна'} — {verb} дать"
        in text
    )
    assert "отказался(ась)" not in text


def test_edelivery_application(father: m.Snapshot, mother: m.Snapshot) -> None:
    text = render("application-edelivery", father, {"guardian": father.students[0].guardian_ids[0]})
    assert "моего ребёнка Белых Алёны Сергеевны, обучающегося 5А класса" in text
    assert "Я уведомлен, что" in text
    text = render("application-edelivery", mother, {"guardian": mother.students[0].guardian_ids[0]})
    assert "Я уведомлена, что" in text


def test_transfer_totals_agree_with_their_numbers(father: m.Snapshot) -> None:
    text = render("transfer", father)
    assert (
        "Итого: переведено 4 человека, условно переведено 2 человека, оставлено на повторное "
        "обучение 1 человек, окончили обучение 5 человек." in text
    )


def test_cli_order_on_a_snapshot_file(father: m.Snapshot, tmp_path: Path) -> None:
    """GIVEN the renamed school as a canonical JSON file WHEN ``vedomost order`` makes the
    appointment order THEN the DOCX it writes has the declined names (read with python-docx)."""
    from service.journal.canonical import snapshot_to_dict

    source = tmp_path / "school.json"
    source.write_text(json.dumps(snapshot_to_dict(father), ensure_ascii=False), "utf-8")
    # A standalone command with its own catalog (SQLite in its data directory), not the test DB.
    env = {k: v for k, v in os.environ.items() if k != "VEDOMOST_DATABASE_URL"}
    env["VEDOMOST_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "service",
            "order",
            "appoint-responsible",
            "--snapshot",
            str(source),
            "--no-pdf",
            "--json",
            "-o",
            str(tmp_path / "out"),
            "--date",
            "2026-05-30",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    text = " ".join(p.text for p in Document(info["docx"]).paragraphs)
    assert (
        "Назначить ответственной за администрирование электронного журнала "
        "Дмитриеву Полину Олеговну, учителя информатики." in text
    )
