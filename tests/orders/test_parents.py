"""The parents' side: who gets paper, the register of issued statements, acknowledgements, and
the letter to the guardianship authority that every refusal drafts and its revert cancels."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest

from service.config import ConfigError, WeeklyTime, paper_statements_time
from service.journal import snapshot as m
from service.orders.consents import set_status
from service.orders.models import ConsentRecord, IssuedDocument, RegisterEntry, StatementIssue
from service.orders.paper import ASKED, REFUSED, paper_families
from service.orders.refusals import letter_history
from service.orders.statement_register import (
    StatementError,
    acknowledge,
    issue_paper_batch,
    register_lines,
)

pytestmark = pytest.mark.django_db

EDELIVERY = m.ConsentKind.ELECTRONIC_DELIVERY
DAY = dt.date(2026, 5, 29)


def pdf_pages(path_or_bytes: object) -> list[str]:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def _electronic_family(snap: m.Snapshot, class_id: str) -> tuple[m.Student, m.Guardian]:
    """A student of the class none of whose guardians asked for paper, and the mother if any."""
    for s in snap.students_of_class[class_id]:
        guardians = [snap.guardian_by_id[g] for g in s.guardian_ids]
        if s.left_on is None and all(g.delivery == m.Delivery.ELECTRONIC for g in guardians):
            mother = next((g for g in guardians if g.relation == "мать"), guardians[0])
            return s, mother
    raise AssertionError("no electronic family in the demo class")


def test_a_refusal_of_electronic_delivery_joins_the_paper_batch_and_drafts_a_numbered_letter(
    demo_snap: m.Snapshot,
) -> None:
    """GIVEN a family on the e-diary WHEN the guardian refuses electronic delivery THEN the family
    is in the paper batch (addressed to that guardian), and a letter to the guardianship authority
    is drafted with a number of the outgoing register; WHEN the refusal is reverted THEN the letter
    is «отменено» with the reason, still in the catalog, and the family leaves the paper batch."""
    before = paper_families(demo_snap, "5А")
    assert before and all(f.reason == ASKED for f in before)
    student, guardian = _electronic_family(demo_snap, "5А")
    assert student.id not in {f.student_id for f in before}

    refused = set_status(
        demo_snap, student.id, guardian.id, "refused", user="pd", on=DAY, kind=EDELIVERY,
        convert=False,
    )  # fmt: skip
    after = {f.student_id: f for f in paper_families(demo_snap, "5А")}
    assert after[student.id].reason == REFUSED and after[student.id].guardian_id == guardian.id
    assert refused.letter is not None and refused.letter.number == "1-исх"
    entry = RegisterEntry.objects.get(document__document_id=refused.letter.document_id)
    assert (entry.register, entry.number, entry.date) == ("outgoing", "1-исх", DAY)
    assert "в электронной форме" in entry.title
    from service.orders.render import docx_text

    text = docx_text(refused.letter.docx)
    assert "от получения информации об успеваемости в электронной форме" in text
    assert guardian.full_name in text and "29.05.2026" in text
    from docx import Document

    cells = " ".join(
        c.text
        for t in Document(io.BytesIO(refused.letter.docx)).tables
        for r in t.rows
        for c in r.cells
    )
    assert "29.05.2026 № 1-исх" in cells

    # A second refusal click does not draft a second letter.
    again = set_status(
        demo_snap, student.id, guardian.id, "refused", user="pd", on=DAY, kind=EDELIVERY,
        convert=False,
    )  # fmt: skip
    assert again.letter is None

    reverted = set_status(
        demo_snap, student.id, guardian.id, "given", user="pd", on=DAY + dt.timedelta(days=3),
        kind=EDELIVERY, reason="заявление подано повторно",
    )  # fmt: skip
    assert reverted.letter is None and reverted.cancelled is not None
    letter = IssuedDocument.objects.get(document_id=refused.letter.document_id)
    assert (letter.status, letter.status_label) == ("cancelled", "отменено")
    assert letter.cancel_reason == "заявление подано повторно"
    assert (letter.cancelled_on, letter.cancelled_by) == (dt.date(2026, 6, 1), "pd")
    assert RegisterEntry.objects.filter(number="1-исх", register="outgoing").exists()
    from service.orders.numbering import order_register_pdf

    book = order_register_pdf(
        demo_snap.school.full_name, demo_snap.school.id, demo_snap.year.id, "outgoing"
    )
    text = " ".join(" ".join(pdf_pages(book)).split())
    assert "Журнал регистрации исходящих документов" in text
    assert "1-исх" in text and "отменено 01.06.2026: заявление подано повторно" in text
    assert student.id not in {f.student_id for f in paper_families(demo_snap, "5А")}

    # Refused again: a new letter with the next number; the cancelled one stays in the history.
    third = set_status(
        demo_snap, student.id, guardian.id, "refused", user="pd", on=DAY + dt.timedelta(days=5),
        kind=EDELIVERY, convert=False,
    )  # fmt: skip
    assert third.letter is not None and third.letter.number == "2-исх"
    record = ConsentRecord.objects.get(pk=third.record_id)
    history = letter_history(record)
    assert [x.status for x in history] == ["drafted", "cancelled"]


def test_a_pd_refusal_drafts_its_own_letter_and_a_revert_cancels_it(demo_snap: m.Snapshot) -> None:
    """The personal-data refusal goes through the same function: numbered, cancelled on revert."""
    student, guardian = _electronic_family(demo_snap, "9Б")
    refused = set_status(
        demo_snap, student.id, guardian.id, "refused", user="pd", on=DAY, convert=False
    )
    assert refused.letter is not None and refused.letter.number.endswith("-исх")
    assert "обработку персональных данных" in refused.letter.title
    pending = set_status(demo_snap, student.id, guardian.id, "pending", user="pd", on=DAY)
    assert pending.cancelled is not None
    assert "«не собрано»" in pending.cancelled.cancel_reason
    assert IssuedDocument.objects.filter(kind="refusal-letter", status="cancelled").count() == 1
    # The PD refusal does not move the family to paper: only the e-delivery refusal does.
    assert student.id not in {f.student_id for f in paper_families(demo_snap, "9Б")}


def _with_a_father(snap: m.Snapshot) -> m.Snapshot:
    """The demo school with the second paper family of 5А headed by a father."""
    import dataclasses

    guardians = tuple(
        dataclasses.replace(
            g, relation="отец", last_name="Орлов", first_name="Пётр", middle_name="Ильич"
        )
        if g.id == "g005"
        else g
        for g in snap.guardians
    )
    return dataclasses.replace(snap, guardians=guardians)


def test_a_paper_batch_writes_the_register_and_the_acknowledgement_line(
    demo_snap: m.Snapshot,
) -> None:
    """GIVEN the paper families of 5А (a mother, a father) WHEN the class teacher issues the batch
    THEN one PDF holds a statement per family with «С информацией ознакомлена» / «ознакомлен»
    agreeing with the guardian, and the register has a line per statement, on paper, pending
    acknowledgement."""
    demo_snap = _with_a_father(demo_snap)
    families = paper_families(demo_snap, "5А")
    batch = issue_paper_batch(demo_snap, "5А", user="ct", period_id="Q4", on=DAY)
    assert batch.statements == len(families) and batch.path.is_file()
    rows = list(StatementIssue.objects.filter(batch=batch.batch).order_by("pk"))
    assert [(r.student_id, r.guardian_id) for r in rows] == [
        (f.student_id, f.guardian_id) for f in families
    ]
    assert {(r.method, r.period_id, r.issued_on, r.acknowledged_on) for r in rows} == {
        ("paper", "Q4", DAY, None)
    }
    assert rows[0].date_from == dt.date(2026, 3, 30) and rows[0].date_to == dt.date(2026, 5, 26)
    text = "\n".join(pdf_pages(batch.path))
    for f in families:
        assert demo_snap.student_by_id[f.student_id].full_name in text
    flat = " ".join(text.split())
    women = sum(demo_snap.guardian_by_id[f.guardian_id].relation == "мать" for f in families)
    men = len(families) - women
    assert women >= 1 and men >= 1
    assert flat.count("С информацией ознакомлена:") == women
    assert flat.count("С информацией ознакомлен:") == men
    assert "ознакомлен(а)" not in flat
    assert "____________ / ____________ / «___» ________ 20__ г." in flat

    lines = register_lines(demo_snap, "5А", pending=True)
    assert {x.id for x in lines} == {r.pk for r in rows}
    assert all(x.covers == "4 четверть" and x.method_label == "на бумаге" for x in lines)

    first = rows[0]
    with pytest.raises(StatementError, match="укажите"):
        acknowledge(demo_snap.school.id, first.pk, by="  ", user="ct")
    with pytest.raises(StatementError, match="ещё не наступила"):
        acknowledge(demo_snap.school.id, first.pk, by="Иванова", on=dt.date(2099, 1, 1), user="ct")
    with pytest.raises(StatementError, match="раньше выдачи"):
        acknowledge(demo_snap.school.id, first.pk, by="Иванова", on=DAY.replace(day=1), user="ct")
    done = acknowledge(
        demo_snap.school.id, first.pk, by=" Иванова  М. П. ", on=DAY + dt.timedelta(days=3),
        user="ct",
    )  # fmt: skip
    assert (done.acknowledged_on, done.acknowledged_by, done.acknowledgement_recorded_by) == (
        dt.date(2026, 6, 1),
        "Иванова М. П.",
        "ct",
    )
    with pytest.raises(StatementError, match="уже отмечено"):
        acknowledge(demo_snap.school.id, first.pk, by="Другой", user="ct")
    assert first.pk not in {x.id for x in register_lines(demo_snap, "5А", pending=True)}
    with pytest.raises(StatementError, match="в реестре нет"):
        acknowledge("another-school", first.pk, by="Иванова", user="ct")


def test_a_statement_for_no_named_guardian_reads_ознакомлен_а(demo_snap: m.Snapshot, tmp_path):
    """A single statement addressed to no one keeps the neutral «ознакомлен(а)»."""
    from service.documents.kinds import render_kind

    student = demo_snap.students_of_class["5А"][0]
    out = render_kind(demo_snap, "parent-statement", {"student": student.id, "period": "Q1"},
                      tmp_path / "one.pdf")  # fmt: skip
    assert "С информацией ознакомлен(а):" in " ".join(" ".join(pdf_pages(out.path)).split())


def test_a_class_without_paper_families_says_so(demo_snap: m.Snapshot) -> None:
    with pytest.raises(StatementError, match="нет семей"):
        issue_paper_batch(demo_snap, "5А", user="ct", families=[])
    assert not StatementIssue.objects.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, WeeklyTime(4, 14, 0)),
        ("пт 14:00", WeeklyTime(4, 14, 0)),
        ("Понедельник 08:30", WeeklyTime(0, 8, 30)),
        ("sat 9:05", WeeklyTime(5, 9, 5)),
        ("7 23:59", WeeklyTime(6, 23, 59)),
    ],
)
def test_paper_statements_time_reads_the_day_and_time(value: str | None, expected) -> None:
    env = {} if value is None else {"VEDOMOST_PAPER_STATEMENTS_AT": value}
    assert paper_statements_time(env) == expected


@pytest.mark.parametrize("value", ["пятн 14:00", "пт", "пт 25:00", "пт 14-00", "8 10:00"])
def test_a_bad_paper_statements_time_names_the_variable(value: str) -> None:
    with pytest.raises(ConfigError) as info:
        paper_statements_time({"VEDOMOST_PAPER_STATEMENTS_AT": value})
    assert info.value.variable == "VEDOMOST_PAPER_STATEMENTS_AT"
