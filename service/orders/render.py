"""Render a DOCX template with docxtpl in the sandbox, and check uploaded templates.

``render_docx`` is the one place templates are rendered; ``check_template`` is what an upload goes
through: static refusal of dangerous tags, every variable known for the kind, and a trial render
with the sample school.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import re
import zipfile
from typing import Any

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError

from service.orders.kind import OrderKind
from service.orders.sandbox import (
    TemplateRejected,
    find_tag,
    limit_child_resources,
    make_env,
    static_check,
)
from service.orders.schema import Schema

HEADER_URI = DocxTemplate.HEADER_URI
FOOTER_URI = DocxTemplate.FOOTER_URI
CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def _open(template: bytes) -> DocxTemplate:
    if not zipfile.is_zipfile(io.BytesIO(template)):
        raise TemplateRejected("файл не является документом Word (.docx)")
    try:
        return DocxTemplate(io.BytesIO(template))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise TemplateRejected(
            "файл не удаётся открыть как документ Word (.docx)", str(exc)
        ) from None


def template_source(template: bytes) -> str:
    """All Jinja-bearing XML of the template (body, headers, footers, core properties), patched."""
    tpl = _open(template)
    tpl.init_docx()
    doc = tpl.docx
    parts = [tpl.patch_xml(tpl.get_xml())]
    for rel in doc.part.rels.values():
        if rel.reltype in (HEADER_URI, FOOTER_URI) and not rel.is_external:
            parts.append(tpl.patch_xml(tpl.get_part_xml(rel.target_part)))
    props = doc.core_properties
    parts.extend(getattr(props, name) or "" for name in CORE_PROPERTIES)
    return "\n".join(parts)


_checked: set[str] = set()  # SHA-256 of templates that passed the static check in this process


def render_docx(template: bytes, context: dict[str, Any]) -> bytes:
    """Render ``template`` with ``context`` in the sandbox and return the DOCX bytes."""
    digest = hashlib.sha256(template).hexdigest()
    env = make_env(cached=True)
    if digest not in _checked:
        static_check(env, template_source(template))
        _checked.add(digest)
    tpl = _open(template)
    try:
        tpl.render(context, jinja_env=env, autoescape=True)
    except SecurityError as exc:
        from service.orders.sandbox import explain_security

        raise explain_security(exc, template_source(template)) from None
    except UndefinedError as exc:
        raise _undefined(exc, template_source(template)) from None
    except TemplateError as exc:
        raise TemplateRejected(
            f"ошибка в шаблоне: {exc.message or exc}",
            " ".join(getattr(exc, "docx_context", []) or []).strip()[:200],
        ) from None
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _undefined(exc: UndefinedError, source: str) -> TemplateRejected:
    text = str(exc)
    attr = re.search(r"has no attribute '([^']+)'", text)
    name = re.search(r"'([^']+)' is undefined", text)
    needle = attr.group(1) if attr else name.group(1) if name else ""
    what = f"«{needle}»" if needle else ""
    return TemplateRejected(
        f"неизвестная переменная {what} для этого вида документа".replace("  ", " "),
        find_tag(source, needle) if needle else "",
    )


def check_usage(kind: OrderKind, source: str) -> None:
    """Refuse a template that uses a variable or field the kind's schema does not declare."""
    usage = static_check(make_env(), source)
    schema = kind.full_schema
    for name in sorted(usage.names):
        if name not in schema:
            raise TemplateRejected(
                f"неизвестная переменная «{name}» для вида «{kind.id}»", find_tag(source, name)
            )
    for path in sorted(usage.paths):
        node: Any = schema[path[0]]
        for depth, attr in enumerate(path[1:], start=1):
            if node is None:  # a text value: its string methods are harmless
                break
            if isinstance(node, list) or attr not in node:
                dotted = ".".join(path[: depth + 1])
                raise TemplateRejected(
                    f"неизвестное поле «{dotted}» для вида «{kind.id}»", find_tag(source, attr)
                )
            node = node[attr]


CHECK_TIME_LIMIT = 20.0  # seconds for the trial render of an uploaded template
RENDER_TIME_LIMIT = 60.0  # seconds for a real render of an uploaded template

TIME_EXCEEDED = "превышен предел времени: шаблон обрабатывается дольше {seconds:.0f} с"
MEMORY_EXCEEDED = "превышен предел памяти: шаблону нужно больше 1 ГБ памяти"
KILLED = "превышен предел процессорного времени или памяти: обработка шаблона прервана"


def _render_child(conn: Any, template: bytes, context: dict[str, Any]) -> None:
    limit_child_resources()
    try:
        conn.send(("ok", render_docx(template, context)))
    except TemplateRejected as exc:
        conn.send(("rejected", (exc.message, exc.tag)))
    except MemoryError:
        conn.send(("rejected", (f"{MEMORY_EXCEEDED} (слишком большие значения)", "")))
    except Exception as exc:  # reported to the parent, which refuses the template
        conn.send(("error", type(exc).__name__))
    finally:
        conn.close()


def render_with_time_limit(
    template: bytes, context: dict[str, Any], seconds: float = CHECK_TIME_LIMIT
) -> bytes:
    """Render in a child process under CPU, memory and wall-time limits; return the DOCX.

    Any failure, a limit included, raises :class:`TemplateRejected` with a Russian reason; the
    child is killed and nothing it made is kept. The child comes from a fork server, not a fork
    of this process: a fork copies the caller's open sockets (the catalog's, a broker's), and
    kombu's after-fork clean-up of an inherited broker connection blocks.
    """
    ctx = multiprocessing.get_context("forkserver")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_render_child, args=(child, template, context), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(seconds):
            raise TemplateRejected(
                TIME_EXCEEDED.format(seconds=seconds) + " (слишком большие или вложенные циклы)"
            )
        status, payload = parent.recv()
    except EOFError:
        raise TemplateRejected(KILLED) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if status == "rejected":
        raise TemplateRejected(*payload)
    if status == "error":
        raise TemplateRejected(f"шаблон не удалось обработать ({payload})")
    return bytes(payload)


def check_template(kind: OrderKind, template: bytes, sample_context: dict[str, Any]) -> bytes:
    """Check an uploaded template; return the sample rendering or raise TemplateRejected."""
    source = template_source(template)
    check_usage(kind, source)
    rendered = render_with_time_limit(template, sample_context, CHECK_TIME_LIMIT)
    text = docx_text(rendered)
    if "{{" in text or "{%" in text:
        raise TemplateRejected(
            "после подстановки в документе остались необработанные теги", find_tag(text, "{")
        )
    return rendered


def docx_text(docx: bytes) -> str:
    """Plain text of a DOCX (paragraphs and table cells, headers and footers), for checks."""
    doc = Document(io.BytesIO(docx))
    lines: list[str] = []

    def walk(container: Any) -> None:
        for p in container.paragraphs:
            lines.append(p.text)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(doc)
    for section in doc.sections:
        walk(section.header)
        walk(section.footer)
    return "\n".join(lines)


def schema_names(schema: Schema, prefix: str = "") -> list[str]:
    """Dotted variable names of a schema, for listing what a template may use."""
    names: list[str] = []
    for key, value in schema.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            names.extend(schema_names(value, dotted + "."))
        elif isinstance(value, list):
            item = value[0]
            names.append(f"{dotted}[]")
            if isinstance(item, dict):
                names.extend(schema_names(item, dotted + "[]."))
        else:
            names.append(dotted)
    return names
