"""Golden data from the sample school (80 students, seed 7, shared session fixture)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from service.cli.documents import commands
from service.cli.main import cli
from service.documents.kinds import build, render_data
from service.journal.canonical import snapshot_from_dict
from tests.documents.pdfcheck import qpdf_check, text, words
from tests.fixtures.sample import SAMPLE_SEED


@pytest.fixture(scope="module")
def sample(sample_school_dict):
    return snapshot_from_dict(sample_school_dict)


@pytest.fixture(scope="module")
def busiest(sample):
    """The class of grades 5–9 with the most students (graded, with math)."""
    school_class = max(
        (
            c
            for c in sample.classes
            if 5 <= c.grade <= 9
            and any(a.class_id == c.id and a.subject_id == "math" for a in sample.assignments)
        ),
        key=lambda c: len(sample.students_of_class.get(c.id, ())),
    )
    return school_class.id


def test_printout_from_the_sample_school_shows_a_students_mark_on_its_date(
    sample, busiest, tmp_path
):
    data = build(sample, "journal-printout", {"class": busiest, "subject": "math", "period": "Q1"})
    doc = render_data(data, tmp_path / "printout.pdf")
    qpdf_check(doc.path)
    # pick a student with a single mark on a day of the first sheet
    row, column = next(
        (r, i)
        for r in data.rows
        for i, v in enumerate(r.cells)
        if v in ("2", "3", "4", "5") and i < 20
    )
    lesson = data.columns[column]
    ws = words(doc.path)
    last_name = row.name.split()[0]
    name_word = next(
        w
        for w in ws
        if w.page == 1
        and w.text == last_name
        and any(x.text == row.name.split()[1] and abs(x.yc - w.yc) < 2 for x in ws)
    )
    day_words = [
        w for w in ws if w.page == 1 and w.text == str(lesson.date.day) and w.y1 < name_word.y0
    ]
    in_row = [w for w in ws if w.page == 1 and abs(w.yc - name_word.yc) < 2]
    found = {w.text for w in in_row for d in day_words if abs(w.xc - d.xc) < 6}
    assert row.cells[column] in found
    body = text(doc.path)
    assert data.teacher in body and "Правильность переноса данных заверяю" in body
    with_mark = [r for r in data.rows if r.period_mark]
    assert with_mark, "the sample school gives Q1 period marks"


def test_summary_statistics_match_the_snapshot(sample, busiest, tmp_path):
    data = build(sample, "period-summary", {"class": busiest, "period": "Q1"})
    index = data.subject_ids.index("math")
    students = {r.student_id for r in data.rows}
    values = Counter(
        m.value
        for m in sample.period_marks
        if m.subject_id == "math" and m.period_id == "Q1" and m.student_id in students
    )
    stats = data.stats[index]
    assert (stats.fives, stats.fours, stats.threes, stats.twos) == (
        values["5"],
        values["4"],
        values["3"],
        values["2"],
    )
    counted = sum(values[v] for v in ("5", "4", "3", "2", "1", "н/а"))
    assert stats.counted == counted
    assert stats.quality == round(100 * (values["5"] + values["4"]) / counted, 1)
    doc = render_data(data, tmp_path / "summary.pdf")
    line = next(x for x in text(doc.path).splitlines() if x.startswith("Качество знаний, %"))
    assert line.split()[3 + index] == f"{stats.quality:g}".replace(".", ",")
    assert (
        json.loads(PdfReader(doc.path).attachments["vedomost-data.json"][0])["stats"][index][
            "quality"
        ]
        == stats.quality
    )


def test_cli_renders_from_a_canonical_file(sample_school_dict, busiest, tmp_path):
    source = tmp_path / "school.json"
    source.write_text(json.dumps(sample_school_dict, ensure_ascii=False), "utf-8")
    render = next(c for c in commands if c.name == "render")
    out = tmp_path / "year.pdf"
    result = CliRunner().invoke(
        render,
        ["year-statement", "--class", busiest, "--input", str(source), "-o", str(out), "--json"],
    )
    assert result.exit_code == 0, result.output
    described = json.loads(result.output)
    assert described["kind"] == "year-statement" and described["pages"] >= 1
    reader = PdfReader(out)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert f"<vedomost:classId>{busiest}</vedomost:classId>" in xmp
    assert "<vedomost:snapshotId></vedomost:snapshotId>" not in xmp  # hashed from the file
    missing = CliRunner().invoke(
        cli,
        [
            "render",
            "period-summary",
            "--class",
            "99Я",
            "--period",
            "Q1",
            "--input",
            str(source),
            "-o",
            str(tmp_path / "x.pdf"),
        ],
    )
    assert missing.exit_code == 2 and "класса «99Я» нет" in missing.output


def test_substitution_log_reconciles_the_sample_payroll(sample, sample_school_dict):
    """The sample's payroll exports agree in some months and carry differences in others."""
    from service.documents.kinds.substitution_log import build_substitution_log
    from service.documents.payroll import parse_payroll
    from service.sample.payroll import (
        mismatched_months,
        months_with_substitutions,
        payroll_csv,
    )

    months = months_with_substitutions(sample_school_dict)
    wrong = set(mismatched_months(sample_school_dict, SAMPLE_SEED))
    assert months and wrong
    for month in months[:4]:
        lines = parse_payroll(
            payroll_csv(sample_school_dict, month, SAMPLE_SEED), f"tabel-{month}.csv"
        )
        data = build_substitution_log(sample, month, lines, f"tabel-{month}.csv")
        assert data.matches_payroll == (month not in wrong), (month, data.differences)
        assert data.rows and data.total_paid_hours > 0
