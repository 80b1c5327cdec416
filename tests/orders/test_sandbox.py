"""Uploads: sandbox escapes refused, unknown variables rejected naming the tag, versions kept."""

from __future__ import annotations

import io

import pytest
from docx import Document

from service.orders.kinds import get_kind
from service.orders.models import TemplateVersion
from service.orders.render import docx_text, render_docx
from service.orders.sandbox import TemplateRejected
from service.orders.versions import active_template, bundled, check_upload, upload, versions


def docx_with(*paragraphs: str, footer: str = "") -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if footer:
        doc.sections[0].footer.paragraphs[0].text = footer
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


ESCAPES = [
    ("{{ ''.__class__.__mro__ }}", "внутренним атрибутам"),
    ("{{ school.__class__ }}", "внутренним атрибутам"),
    ("{{ school['__class__'] }}", "внутренним атрибутам"),
    ("{% import 'os' as os %}", "импорт"),
    ("{% from 'x' import y %}", "импорт"),
    ("{% include '/etc/passwd' %}", "включение файлов"),
    ("{% extends '/etc/passwd' %}", "наследование"),
]


@pytest.mark.parametrize(("tag", "message"), ESCAPES)
def test_sandbox_escapes_are_refused_with_the_tag_named(tag: str, message: str) -> None:
    with pytest.raises(TemplateRejected) as info:
        check_upload("intro-journal", docx_with("Приказ", tag))
    assert message in info.value.message
    assert info.value.tag.strip() == tag


@pytest.mark.parametrize(
    "tag",
    [
        "{{ school.full_name.__class__ }}",
        "{{ (school|attr('__class__')) }}",
        "{{ range.__globals__ }}",
        "{{ cycler.__init__.__globals__ }}",
    ],
)
def test_render_time_sandbox_blocks_internals(tag: str) -> None:
    """Even past the static check, the sandbox itself refuses internals (no Python objects leak)."""
    with pytest.raises(TemplateRejected):
        render_docx(docx_with(tag), {"school": {"full_name": "Школа"}})


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ x|attr('__globals__') }}",
        "{{ x.mro() }}",
        "{{ [].append(1) }}",
        "{{ lipsum }}",
    ],
)
def test_the_environment_itself_refuses_internals_without_the_static_check(source: str) -> None:
    from jinja2.exceptions import SecurityError, UndefinedError

    from service.orders.sandbox import make_env

    with pytest.raises((SecurityError, UndefinedError)):
        make_env().from_string(source).render(x=str)


def test_escape_in_footer_is_found_too() -> None:
    with pytest.raises(TemplateRejected) as info:
        check_upload("intro-journal", docx_with("Приказ", footer="{{ ''.__class__ }}"))
    assert "__class__" in info.value.tag


def test_unknown_variable_is_rejected_naming_the_tag() -> None:
    with pytest.raises(TemplateRejected) as info:
        check_upload(
            "intro-journal",
            docx_with("Директор: {{ director.full_name }}", "Пароль: {{ secret_key }}"),
        )
    assert "secret_key" in info.value.message
    assert info.value.tag == "{{ secret_key }}"


def test_unknown_field_is_rejected_naming_the_tag() -> None:
    with pytest.raises(TemplateRejected) as info:
        check_upload("intro-journal", docx_with("{{ school.fulname }}"))
    assert "school.fulname" in info.value.message and info.value.tag == "{{ school.fulname }}"


def test_variable_of_another_kind_is_rejected() -> None:
    """``forms`` exists for consents, not for the order introducing the journal."""
    with pytest.raises(TemplateRejected, match="forms"):
        check_upload(
            "intro-journal",
            docx_with("{%p for f in forms %}", "{{ f.guardian.full_name }}", "{%p endfor %}"),
        )


def test_unknown_field_of_a_loop_item_is_caught_by_the_sample_render() -> None:
    with pytest.raises(TemplateRejected) as info:
        check_upload(
            "appoint-responsible",
            docx_with(
                "{%p for ct in class_teachers %}", "{{ ct.teacher.salary }}", "{%p endfor %}"
            ),
        )
    assert "salary" in info.value.message and "salary" in info.value.tag


def test_syntax_error_and_non_docx_are_refused() -> None:
    with pytest.raises(TemplateRejected, match="синтаксическая"):
        check_upload("intro-journal", docx_with("{{ school.full_name "))
    with pytest.raises(TemplateRejected, match="не является документом Word"):
        check_upload("intro-journal", b"%PDF-1.7 not a docx")


def test_good_edit_passes_and_renders_the_sample_school() -> None:
    rendered = check_upload(
        "intro-journal", docx_with("ПРИКАЗ № {{ document.number }}", "{{ school.full_name|upper }}")
    )
    assert "ПРИКАЗ № 1" in docx_text(rendered)


@pytest.mark.django_db
def test_upload_keeps_old_versions_and_the_newest_is_active() -> None:
    kind = get_kind("intro-journal")
    assert active_template("sch-1", kind).version is None  # bundled until a school uploads
    first = upload(
        "sch-1", "intro-journal", docx_with("Версия один {{ school.short_name }}"), user="secretary"
    )
    second = upload(
        "sch-1", "intro-journal", docx_with("Версия два {{ school.short_name }}"), user="secretary"
    )
    assert (first.version, second.version) == (1, 2)
    active = active_template("sch-1", kind)
    assert (
        active.version is not None
        and active.version.pk == second.pk
        and active.label == "intro-journal v2"
    )
    assert [v.version for v in versions("sch-1", "intro-journal")] == [2, 1]
    assert "Версия один" in docx_text(bytes(TemplateVersion.objects.get(pk=first.pk).content))
    # another school still uses the bundled template
    assert active_template("sch-2", kind).content == bundled(kind).content


@pytest.mark.django_db
def test_rejected_upload_stores_nothing() -> None:
    with pytest.raises(TemplateRejected):
        upload("sch-1", "intro-journal", docx_with("{{ ''.__class__ }}"))
    assert not TemplateVersion.objects.exists()


def test_tags_split_across_runs_by_word_still_work() -> None:
    """Word often splits «{{ school.full_name }}» into several runs after an edit."""
    doc = Document()
    p = doc.add_paragraph()
    for piece in ("Школа: {{ sch", "ool.full", "_name }}", " — приказ № {{ document.", "number }}"):
        p.add_run(piece).bold = piece.startswith("ool")
    out = io.BytesIO()
    doc.save(out)
    text = docx_text(check_upload("intro-journal", out.getvalue()))
    assert "Школа: " in text and "{{" not in text and "приказ № 1" in text


def test_a_loop_bomb_is_stopped_by_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import service.orders.render as render

    monkeypatch.setattr(render, "CHECK_TIME_LIMIT", 2.0)
    bomb = docx_with(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    started = time.monotonic()
    with pytest.raises(TemplateRejected, match="дольше"):
        render.render_with_time_limit(bomb, {}, render.CHECK_TIME_LIMIT)
    assert time.monotonic() - started < 10
