"""The period-end set of a small school in a real process pool, and the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from service.cli.documents import commands
from service.cli.main import cli
from service.documents.period_set import render_period_set
from tests.documents.factories import tiny_school


def test_small_school_period_set_in_two_processes(tmp_path):
    calls = []
    result = render_period_set(
        tiny_school(),
        "Q1",
        tmp_path,
        workers=2,
        progress=lambda done, total: calls.append((done, total)),
    )
    kinds = [d.kind for d in result.documents]
    assert kinds == [
        "journal-printout",
        "journal-printout",
        "period-summary",
        "medal-sheet",
        "control-report",
        "control-report",
        "control-report",
    ]
    assert calls[-1] == (7, 7)
    assert all(d.path.exists() and d.path.is_relative_to(tmp_path) for d in result.documents)
    assert len({d.document_id for d in result.documents}) == 7
    pack = result.print_pack
    assert pack is not None and pack.path == tmp_path / "print-pack.pdf"
    assert all(start % 2 == 1 for start in pack.starts) and len(pack.starts) == 7
    assert len(PdfReader(pack.path).pages) == pack.pages
    page = PdfReader(pack.path).pages[pack.starts[2] - 1].extract_text()
    assert "СВОДНАЯ ВЕДОМОСТЬ" in page.upper() and "5А" in page


def test_kinds_command_lists_every_kind():
    runner = CliRunner()
    kinds = next(c for c in commands if c.name == "kinds")
    out = runner.invoke(kinds, []).output
    for name in (
        "journal-printout",
        "period-summary",
        "year-statement",
        "medal-sheet",
        "substitution-log",
        "parent-statement",
        "control-report",
    ):
        assert name in out
    assert "--report" in out


def test_render_unknown_kind_exits_2_in_russian(tmp_path: Path):
    result = CliRunner().invoke(cli, ["render", "no-such-kind", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "неизвестный вид документа «no-such-kind»" in result.output
    assert "Traceback" not in result.output


def test_paper_batch_prints_every_paper_family_on_odd_pages(tmp_path):
    from service.documents.kinds.parent_statement import render_paper_batch

    pack = render_paper_batch(tiny_school(), "5А", "Q1", None, None, tmp_path / "batch.pdf")
    assert pack.starts == (1, 3)  # s1 and s3: paper; s2 electronic; s4 has left
    reader = PdfReader(pack.path)
    assert "Алексеев Артём Игоревич" in reader.pages[0].extract_text()
    assert "Волков Глеб Денисович" in reader.pages[2].extract_text()


def test_a_document_that_cannot_be_built_is_reported_not_fatal(tmp_path):
    """GIVEN an assignment whose subject is missing from the snapshot WHEN the set renders
    THEN the other documents are made and the missing one is listed with its reason."""
    from dataclasses import replace

    from service.journal.snapshot import Assignment

    snap = tiny_school()
    broken = replace(
        snap, assignments=(*snap.assignments, Assignment("a9", "5А", "chem", "t-math", 2))
    )
    result = render_period_set(broken, "Q1", tmp_path, workers=1, print_pack=False)
    assert len(result.documents) == 7
    assert result.problems == (
        ("5А/journal-printout-chem.pdf", "предмета «chem» нет в снимке журнала"),
    )
