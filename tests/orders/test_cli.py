"""The ``vedomost order | templates | consents | register`` commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from service.cli.main import _register, cli
from service.orders.versions import TEMPLATES

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def run() -> object:
    _register()
    runner = CliRunner()

    def invoke(*args: str) -> object:
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_order_writes_a_numbered_docx(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "order",
        "transfer",
        "--demo",
        "--no-pdf",
        "--json",
        "-o",
        str(tmp_path),
        "-p",
        "council_protocol=7",
        "-p",
        "council_date=2026-05-30",
        "--date",
        "2026-05-30",
    )
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert (
        info["number"] == "1-у" and info["archive_kind"] == "order-students" and info["pdf"] is None
    )
    text = "\n".join(p.text for p in Document(info["docx"]).paragraphs)
    assert "протокол от 30.05.2026 № 7" in text
    second = json.loads(
        run("order", "movement", "--demo", "--no-pdf", "--json", "-o", str(tmp_path)).output
    )
    assert second["number"] == "2-у"  # same register: orders on students


def test_order_errors_are_russian_with_exit_code_2(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("order", "no-such-kind", "--demo", "-o", str(tmp_path))
    assert result.exit_code == 2 and "неизвестный вид шаблона" in result.output
    result = run(
        "order", "consent-pd", "--demo", "--no-pdf", "-o", str(tmp_path), "-p", "class=99Z"
    )
    assert result.exit_code == 2 and "нет класса «99Z»" in result.output
    result = run("order", "transfer", "--demo", "-o", str(tmp_path), "-p", "oops")
    assert result.exit_code == 2 and "имя=значение" in result.output
    assert "Traceback" not in result.output


def test_templates_list_check_and_upload(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    listed = json.loads(run("templates", "list", "--json", "--school", "sch-1").output)
    assert {row["kind"] for row in listed} >= {"intro-journal", "consent-pd", "refusal-letter"}
    intro = next(row for row in listed if row["kind"] == "intro-journal")
    assert "school.full_name" in intro["variables"] and intro["register"] == "main"

    good = tmp_path / "intro-journal.docx"
    good.write_bytes((TEMPLATES / "intro-journal.docx").read_bytes())
    result = run("templates", "check", str(good))
    assert result.exit_code == 0 and "прошёл проверку" in result.output

    doc = Document(str(good))
    doc.add_paragraph("{{ ''.__class__.__mro__ }}")
    bad = tmp_path / "evil.docx"
    doc.save(str(bad))
    result = run("templates", "upload", str(bad), "--kind", "intro-journal", "--demo")
    assert result.exit_code == 2
    assert "шаблон отклонён" in result.output and "{{ ''.__class__.__mro__ }}" in result.output

    result = run("templates", "upload", str(good), "--demo", "--user", "secretary")
    assert result.exit_code == 0 and "версия 1" in result.output
    made = json.loads(
        run("order", "intro-journal", "--demo", "--no-pdf", "--json", "-o", str(tmp_path)).output
    )
    assert made["template"] == "intro-journal v1"  # the document records the version that made it


def test_consents_register_json(run) -> None:  # type: ignore[no-untyped-def]
    result = run("consents", "register", "--demo", "--class", "5А", "--json")
    assert result.exit_code == 0
    lines = json.loads(result.output)
    assert lines and {"record_id", "status", "given_on"} <= set(lines[0])


def test_register_prints_the_order_book(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("order", "intro-journal", "--demo", "--no-pdf", "-o", str(tmp_path))
    out = tmp_path / "book.pdf"
    result = run("register", "--demo", "--register", "main", "-o", str(out))
    assert result.exit_code == 0
    import pypdf

    text = pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "О введении электронного классного журнала" in text


@pytest.mark.libreoffice
def test_consents_print_for_a_class_uses_the_warm_server(
    run,
    tmp_path: Path,
    orders_converter,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The command finds the session's server on its port and reuses it (no new start)."""
    import service.orders.convert as convert
    from tests.fixtures.orders import SESSION_PORT

    monkeypatch.setenv("VEDOMOST_UNOSERVER_PORT", str(SESSION_PORT))
    monkeypatch.setattr(convert, "_default", None)
    out = tmp_path / "5A.pdf"
    result = run("consents", "print", "--demo", "--class", "5А", "-o", str(out))
    assert result.exit_code == 0, result.output
    import pypdf

    from service.orders.sample_school import sample_snapshot

    snap = sample_snapshot()
    cls = next(c for c in snap.classes if c.name == "5А")
    families = sum(len(s.guardian_ids) for s in snap.students_of_class[cls.id] if s.left_on is None)
    assert len(pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages) == families  # a page per form
    assert convert._default is not None and convert._default.starts == 0
    convert._default.stop()  # owns nothing: must not stop the session's server
    assert orders_converter.alive()


def test_register_number_format_is_configurable(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("register", "--demo", "--register", "main", "--set-format", "{seq}/4")
    assert result.exit_code == 0 and "{seq}/4" in result.output
    made = json.loads(
        run("order", "intro-journal", "--demo", "--no-pdf", "--json", "-o", str(tmp_path)).output
    )
    assert made["number"] == "1/4"
    bad = run("register", "--demo", "--register", "main", "--set-format", "без номера")
    assert bad.exit_code == 1 and "{seq}" in bad.output


def test_consents_set_and_register_for_electronic_delivery(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = json.loads(
        run(
            "consents",
            "register",
            "--demo",
            "--class",
            "5А",
            "--json",
            "--kind",
            "electronic_delivery",
        ).output
    )
    first = lines[0]
    result = run(
        "consents",
        "set",
        "--demo",
        "--kind",
        "electronic_delivery",
        "--student",
        first["student_id"],
        "--guardian",
        first["guardian_id"],
        "--status",
        "given",
        "--date",
        "2026-09-02",
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "reg.pdf"
    after = json.loads(
        run(
            "consents",
            "register",
            "--demo",
            "--class",
            "5А",
            "--json",
            "--kind",
            "electronic_delivery",
            "-o",
            str(out),
        ).output
    )
    assert after[0]["status"] == "given" and after[0]["given_on"] == "2026-09-02"
    import pypdf

    text = pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "Реестр заявлений об электронной форме информирования" in text
