"""The sandboxed Jinja environment templates are rendered in, and static checks of template source.

Uploaded templates are written by staff, so they are treated as untrusted: rendering happens in an
``ImmutableSandboxedEnvironment`` without a loader (no file access), without the helper globals
that expose Python objects, with ``StrictUndefined`` and the Russian filters of
``service.russian`` (plain values in, strings out); imports, includes and access to internals are
refused before rendering with a Russian message naming the tag.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from service.russian.filters import install_filters

FORBIDDEN_NODES: dict[type[nodes.Node], str] = {
    nodes.Import: "импорт других шаблонов ({% import %}) запрещён",
    nodes.FromImport: "импорт других шаблонов ({% from … import %}) запрещён",
    nodes.Include: "включение файлов ({% include %}) запрещено",
    nodes.Extends: "наследование шаблонов ({% extends %}) запрещено",
}


class TemplateRejected(Exception):
    """A template is refused; ``message`` is Russian and ``tag`` quotes the offending tag."""

    def __init__(self, message: str, tag: str = "") -> None:
        self.message = message
        self.tag = tag
        super().__init__(f"{message}: {tag}" if tag else message)


class CachingSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, remembering compiled XML parts: docxtpl compiles every part on every render."""

    MAX_CACHED = 256

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, Template] = {}
        self._compiled_lock = threading.Lock()

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Template:
        """Compile ``source`` once; later calls with the same text reuse the compiled template."""
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._compiled_lock:
            cached = self._compiled.get(source)
        if cached is not None:
            return cached
        compiled = super().from_string(source)
        with self._compiled_lock:
            if len(self._compiled) >= self.MAX_CACHED:
                self._compiled.clear()
            self._compiled[source] = compiled
        return compiled


def make_env(cached: bool = False) -> ImmutableSandboxedEnvironment:
    """A sandbox: no loader, autoescaped XML, strict undefined, minimal globals.

    With ``cached`` the process-wide instance that keeps compiled templates is returned; it is
    safe to share because the immutable sandbox keeps no state between renders.
    """
    if cached:
        return _shared_env()
    env = ImmutableSandboxedEnvironment(autoescape=True, undefined=StrictUndefined, loader=None)
    for name in ("lipsum", "cycler", "joiner"):
        env.globals.pop(name, None)
    return install_filters(env)


@lru_cache(maxsize=1)
def _shared_env() -> CachingSandbox:
    env = CachingSandbox(autoescape=True, undefined=StrictUndefined, loader=None)
    for name in ("lipsum", "cycler", "joiner"):
        env.globals.pop(name, None)
    return install_filters(env)


_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def tags_of(source: str) -> Iterator[str]:
    """Every Jinja tag in ``source`` with the XML between its braces removed."""
    for match in _TAG.finditer(source):
        yield re.sub(r"<[^>]+>", "", match.group(0))


def find_tag(source: str, *needles: str) -> str:
    """The first tag that contains every needle (as the user wrote it), or an empty string."""
    for tag in tags_of(source):
        if all(n in tag for n in needles):
            return tag
    return ""


@dataclass(frozen=True)
class Usage:
    """What a template uses: top-level names and attribute paths rooted at them."""

    names: frozenset[str]
    paths: frozenset[tuple[str, ...]]


def static_check(env: ImmutableSandboxedEnvironment, source: str) -> Usage:
    """Parse ``source``; refuse imports, includes and underscore attributes; return what it uses."""
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateRejected(
            f"синтаксическая ошибка в шаблоне: {exc.message}", _line_tag(source, exc.lineno)
        ) from None
    for node_type, message in FORBIDDEN_NODES.items():
        for _node in tree.find_all(node_type):
            keyword = {
                nodes.Import: "import",
                nodes.FromImport: "import",
                nodes.Include: "include",
                nodes.Extends: "extends",
            }[node_type]
            raise TemplateRejected(message, find_tag(source, keyword))
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        attr = node.attr if isinstance(node, nodes.Getattr) else _const(node.arg)
        if isinstance(attr, str) and attr.startswith("_"):
            raise TemplateRejected(
                "обращение к внутренним атрибутам Python запрещено", find_tag(source, attr)
            )
    from jinja2 import meta

    names = frozenset(meta.find_undeclared_variables(tree))
    paths = set()
    for node in tree.find_all(nodes.Getattr):
        path = _path(node)
        if path is not None and path[0] in names:
            paths.add(path)
    return Usage(names, frozenset(paths))


def _const(node: nodes.Node) -> object:
    return node.value if isinstance(node, nodes.Const) else None


def _path(node: nodes.Node) -> tuple[str, ...] | None:
    parts: list[str] = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    if isinstance(node, nodes.Name):
        return (node.name, *reversed(parts))
    return None


def _line_tag(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()
    if 0 < lineno <= len(lines):
        return re.sub(r"<[^>]+>", "", lines[lineno - 1]).strip()[:200]
    return ""


def explain_security(exc: SecurityError, source: str) -> TemplateRejected:
    """A sandbox violation at render time, as a Russian refusal naming the tag when possible."""
    attr = re.search(r"attribute '([^']+)'", str(exc))
    tag = find_tag(source, attr.group(1)) if attr else ""
    return TemplateRejected(
        "шаблон пытается выполнить запрещённое действие (доступ к внутренним объектам Python)", tag
    )
