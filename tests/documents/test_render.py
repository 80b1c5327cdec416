"""Rendered PDFs checked by content: qpdf, PDF/A-3b XMP, embedded fonts, data attachment,
signature fields, real values at their places in the grids."""

from __future__ import annotations

import itertools
import json

import pytest
from pypdf import PdfReader

from service.documents.common import to_jsonable
from service.documents.kinds import build, render_data
from service.documents.printpack import merge_for_duplex
from service.documents.render import DATA_ATTACHMENT
from tests.documents.factories import tiny_school, wide_school
from tests.documents.pdfcheck import fonts, qpdf_check, text, words, xmp

KINDS = {
    "printout": ("journal-printout", {"class": "5А", "subject": "math", "period": "Q1"}),
    "summary": ("period-summary", {"class": "5А", "period": "Q1"}),
    "year": ("year-statement", {"class": "5А"}),
    "medal": ("medal-sheet", {"class": "5А", "period": "Q2"}),
    "subst": ("substitution-log", {"month": "2024-09"}),
    "statement": ("parent-statement", {"student": "s4", "period": "Q1"}),
    "control": ("control-report", {"report": "accumulation", "class": "5А", "period": "Q1"}),
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every kind rendered once from the tiny school: name → (data, RenderedDocument)."""
    snap = tiny_school()
    out = tmp_path_factory.mktemp("docs")
    result = {}
    for name, (kind, params) in KINDS.items():
        data = build(snap, kind, params)
        result[name] = (data, render_data(data, out / f"{name}.pdf"))
    return result


@pytest.mark.parametrize("name", list(KINDS))
def test_archival_pdf_checks(rendered, name):
    data, doc = rendered[name]
    qpdf_check(doc.path)
    meta = xmp(doc.path)
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
    assert f"<vedomost:kind>{data.meta.kind}</vedomost:kind>" in meta
    assert f"<vedomost:documentId>{doc.document_id}</vedomost:documentId>" in meta
    assert "<vedomost:snapshotId>" + "ab" * 32 in meta
    assert "Средняя" in meta  # school name
    table = fonts(doc.path)
    assert table and all("PT-Serif" in row[0] for row in table)
    assert all(row[-5] == "yes" for row in table), table  # emb column
    reader = PdfReader(doc.path)
    assert json.loads(reader.attachments[DATA_ATTACHMENT][0]) == to_jsonable(data)
    af = reader.trailer["/Root"]["/AF"][0].get_object()
    assert af["/AFRelationship"] == "/Data"
    assert doc.document_id in text(doc.path)  # footer
    fields = {f: v for f, v in (reader.get_fields() or {}).items() if v.get("/FT") == "/Sig"}
    assert set(fields) == set(data.meta.signatures)


def test_printout_mark_of_a_named_student_on_a_date(rendered):
    _, doc = rendered["printout"]
    ws = words(doc.path)
    month = next(w for w in ws if w.text == "Сентябрь")
    days = {
        w.text: w
        for w in ws
        if w.page == 1 and month.y1 < w.yc < month.y1 + 14 and w.text.isdigit()
    }
    student = next(w for w in ws if w.text == "Алексеев")
    row = [w for w in ws if w.page == 1 and abs(w.yc - student.yc) < 2]

    def at(day: str) -> str:
        return next(w.text for w in row if abs(w.xc - days[day].xc) < 6)

    assert (at("2"), at("3"), at("4"), at("5")) == ("5", "5", "5", "4")
    period = next(w for w in ws if w.text == "четверть" and w.page == 1 and w.y0 > month.y0 - 5)
    assert next(w.text for w in row if abs(w.xc - period.xc) < 15) == "5"  # period mark
    body = text(doc.path)
    assert "Правильность переноса данных заверяю" in body and "М. П. Иванова" in body
    assert "Натуральные числа" in body and "Уроков по плану: 32; проведено: 4" in body


def test_summary_statistics_row(rendered):
    body = text(rendered["summary"][1].path)
    assert "Успеваемость, % 75 75" in body
    assert "Качество знаний, % 50 75" in body
    assert "СОУ, % 54 66" in body


def test_other_kinds_print_their_values(rendered):
    assert "№ 45-у от 28.05.2025" in text(rendered["year"][1].path)
    assert "не соответствует критериям" in text(rendered["medal"][1].path)
    subst = text(rendered["subst"][1].path)
    assert "Сверка с табелем оплаты не проводилась" in subst and "Кузнецова О. С." in subst
    statement = text(rendered["statement"][1].path)
    assert (
        "Григорьева Дарья Олеговна" in statement
        and "Пропущено уроков: 3, из них по болезни: 2" in statement
    )
    assert "Волков Г. (1)" in text(rendered["control"][1].path)


def test_year_statement_left_margin_is_30mm(rendered):
    ws = [w for w in words(rendered["year"][1].path) if w.page == 1]
    assert min(w.x0 for w in ws) >= 30 / 25.4 * 72 - 1


def test_wide_grid_splits_with_names_and_header_repeated(tmp_path):
    """GIVEN 35 students × 60 lessons WHEN printed THEN 3 marks sheets, each with every name."""
    snap = wide_school(35, 60)
    data = build(snap, "journal-printout", {"class": "7Б", "subject": "math", "period": "Q1"})
    assert len(data.columns) == 60
    doc = render_data(data, tmp_path / "wide.pdf")
    reader = PdfReader(doc.path)
    assert doc.pages == len(reader.pages) == 6  # 3 × (marks side + topics side)
    last_name = data.rows[-1].name.split()[0]
    for page in (0, 2, 4):
        page_text = reader.pages[page].extract_text()
        assert "Фамилия, имя обучающегося" in page_text
        assert data.rows[0].name in page_text and last_name in page_text
    for page in (1, 3, 5):
        assert "Тема урока" in reader.pages[page].extract_text()
    ws = words(doc.path)
    name_heights = {round(w.y1 - w.y0, 1) for w in ws if w.text == data.rows[0].name.split()[0]}
    assert min(name_heights) >= 7.0  # 8 pt type, never shrunk to fit


def test_print_pack_starts_every_document_on_an_odd_page(rendered, tmp_path):
    sources = [rendered[n][1].path for n in ("printout", "summary", "medal", "statement")]
    pages = [len(PdfReader(p).pages) for p in sources]
    pack = merge_for_duplex(sources, tmp_path / "pack.pdf")
    assert pack.starts == (1, 3, 5, 7) and pages == [2, 1, 1, 1]
    reader = PdfReader(pack.path)
    assert len(reader.pages) == pack.pages == 7
    assert all(start % 2 == 1 for start in pack.starts)
    assert "ВЫПИСКА" in reader.pages[6].extract_text().upper()
    assert reader.pages[5].extract_text().strip() == ""  # inserted blank
    qpdf_check(pack.path)


def test_year_statement_splits_many_subjects_across_sheets():
    from service.documents.kinds.year_statement import split_subjects

    chunks = split_subjects(15, 6)  # 4 periods + year + final per subject
    assert [len(c.indexes) for c in chunks] == [4, 4, 4, 3]
    assert [c.last for c in chunks] == [False, False, False, True]
    assert split_subjects(2, 6)[0].indexes == (0, 1)


def test_same_data_renders_to_the_same_bytes(tmp_path):
    """The archive's SHA-256 is reproducible: no random ids or clocks in the output."""
    snap = tiny_school()
    data = build(snap, "period-summary", {"class": "5А", "period": "Q1"})
    first = render_data(data, tmp_path / "a.pdf")
    second = render_data(
        build(tiny_school(), "period-summary", {"class": "5А", "period": "Q1"}), tmp_path / "b.pdf"
    )
    assert first.sha256 == second.sha256
    assert first.path.read_bytes() == second.path.read_bytes()


def test_every_mark_of_a_full_sheet_sits_under_its_date(tmp_path):
    """GIVEN 30 students × 50 lessons WHEN printed THEN each mark of page 1 is centred under its
    date column, up to the last one (a row is one tab-separated run: no drift across columns)."""
    snap = wide_school(30, 50)
    data = build(snap, "journal-printout", {"class": "7Б", "subject": "math", "period": "Q1"})
    doc = render_data(data, tmp_path / "grid.pdf")
    ws = [w for w in words(doc.path) if w.page == 1]
    month = next(w for w in ws if w.text == "Сентябрь")
    header = sorted(
        (w for w in ws if month.y1 < w.yc < month.y1 + 14 and w.text.isdigit()), key=lambda w: w.x0
    )
    assert len(header) == 25  # 50 lessons → 2 sheets of 25
    first = next(w for w in ws if w.text == data.rows[0].name.split()[0])
    last = next(w for w in ws if w.text == data.rows[-1].name.split()[0] and w.yc > first.yc)
    marks = [
        w
        for w in ws
        if first.y0 < w.yc < last.y1
        and w.x0 > header[0].x0 - 10
        and w.text in {"2", "3", "4", "5", "Н", "Б", "У"}
    ]
    expected = sum(
        1 for r in data.rows for c in r.cells[:25] if c in {"2", "3", "4", "5", "Н", "Б", "У"}
    )
    assert len(marks) == expected
    for w in marks:
        assert min(abs(w.xc - h.xc) for h in header) < 1.5, (w.text, w.xc)
    assert any(abs(w.xc - header[-1].xc) < 1.5 for w in marks)  # the last column is reached
    # a day column is 7.41 mm = 21 pt; the header words are at its centres
    assert all(20.5 < b.xc - a.xc < 21.5 for a, b in itertools.pairwise(header))
