"""The sandboxed Jinja environment templates are rendered in, and static checks of template source.

Uploaded templates are written by staff, so they are treated as untrusted: rendering happens in an
``ImmutableSandboxedEnvironment`` without a loader (no file access), without the helper globals
that expose Python objects, with ``StrictUndefined`` and the Russian filters of
``service.russian`` (plain values in, strings out); imports, includes and access to internals are
refused before rendering with a Russian message naming the tag.
"""

from __future__ import annotations

import operator
import re
import string
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any

from jinja2 import StrictUndefined, Template, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment

from service.errors import UserError
from service.russian.filters import install_filters

FORBIDDEN_NODES: dict[type[nodes.Node], str] = {
    nodes.Import: "импорт других шаблонов ({% import %}) запрещён",
    nodes.FromImport: "импорт других шаблонов ({% from … import %}) запрещён",
    nodes.Include: "включение файлов ({% include %}) запрещено",
    nodes.Extends: "наследование шаблонов ({% extends %}) запрещено",
}


class TemplateRejected(UserError):
    """A template is refused; ``message`` is Russian and ``tag`` quotes the offending tag."""

    def __init__(self, message: str, tag: str = "") -> None:
        self.message = message
        self.tag = tag
        super().__init__(f"{message}: {tag}" if tag else message)

    def user_message(self) -> str:
        """The reason, then the offending tag on a line of its own."""
        return f"шаблон отклонён: {self.message}" + (f"\n  тег: {self.tag}" if self.tag else "")


# What one expression may build. Jinja folds constant expressions while compiling, so without
# these bounds ``{{ 9**9**9 }}`` hangs the compiler and ``{{ 'x' * 10**9 }}`` takes gigabytes
# before any render limit is looked at.
MAX_EXPONENT = 1_000
MAX_POWER_DIGITS = 1_000
MAX_BUILT_LENGTH = 1_000_000  # characters or items made by one ``*``, ``+`` or ``~``
# and the widest field one ``format``, ``%``, ``center``, ``ljust``… may pad to

# The child process a trial or real render runs in (see :func:`limit_child_resources`).
CHILD_CPU_SECONDS = 30
CHILD_MEMORY_BYTES = 1 << 30

_BINOPS = {"**": operator.pow, "*": operator.mul, "+": operator.add, "%": operator.mod}
POWER_TOO_BIG = "степень слишком велика"
TOO_LONG = "строка или список слишком длинные"
_BOUND_MESSAGES = frozenset({POWER_TOO_BIG, TOO_LONG})
# str methods and filters whose first argument after the value is a width to pad to
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_WIDTH_FILTERS = ("center", "indent", "wordwrap", "truncate")
# the numbers of a ``%`` conversion (``%-1500000000s``) and of a ``format`` spec (``>9999``)
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\d+|\*)?(?:\.(\d+|\*))?")
_SPEC_NUMBERS = re.compile(r"\d+")


def _size(value: object) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple) else 0


def _refuse_wide(width: object) -> None:
    if isinstance(width, int) and width > MAX_BUILT_LENGTH:
        raise SecurityError(TOO_LONG)


def _check_percent_format(fmt: str, args: object) -> None:
    """Refuse a ``%`` format whose field widths (written or taken from ``*``) are too wide."""
    stars = 0
    for match in _PERCENT_FIELD.finditer(fmt):
        for number in match.groups():
            if number == "*":
                stars += 1
            elif number:
                _refuse_wide(int(number))
    if stars:
        for value in args if isinstance(args, tuple) else (args,):
            _refuse_wide(value)


def _check_brace_format(fmt: str) -> None:
    """Refuse a ``str.format`` pattern with a too wide field or a width taken from an argument."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format itself raises the same error, reported as a template error
    for _text, _name, spec, _conversion in fields:
        if not spec:
            continue
        if "{" in spec:
            raise SecurityError(TOO_LONG)
        for number in _SPEC_NUMBERS.findall(spec):
            _refuse_wide(int(number))


def _bounded_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    """A width filter (``center``…) refusing a width over :data:`MAX_BUILT_LENGTH`."""

    @wraps(func)
    def bounded(value: Any, *args: Any, **kwargs: Any) -> Any:
        for arg in (*args, *kwargs.values()):
            _refuse_wide(arg)
        return func(value, *args, **kwargs)

    return bounded


def _bounded_format_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(func)
    def bounded(value: Any, *args: Any, **kwargs: Any) -> Any:
        _check_percent_format(str(value), args)
        return func(value, *args, **kwargs)

    return bounded


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` to a join the sandbox can bound, like intercepted binary operators."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat(context, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with ``**``, ``*``, ``+`` and ``~`` bounded by what they would build.

    Intercepted operators are also never constant-folded at compile time (Jinja checks
    ``intercepted_binops`` before folding), so a power tower cannot hang the compiler.
    """

    intercepted_binops = frozenset(_BINOPS)
    intercepted_unops = frozenset()
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        for name in _WIDTH_FILTERS:
            self.filters[name] = _bounded_filter(self.filters[name])
        self.filters["format"] = _bounded_format_filter(self.filters["format"])

    def bounded_concat(self, context: Any, parts: tuple[Any, ...]) -> str:
        """``a ~ b ~ …`` with the result bounded: a doubling loop stops at the first long step."""
        joined = markup_join(parts) if context.eval_ctx.autoescape else str_join(parts)
        if len(joined) > MAX_BUILT_LENGTH:
            raise SecurityError(TOO_LONG)
        return joined

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call from the template, refusing ``'x'.center(10**9)`` and the like before it runs."""
        if isinstance(getattr(__obj, "__self__", None), str) and (
            getattr(__obj, "__name__", "") in _WIDTH_METHODS
        ):
            for arg in (*args, *kwargs.values()):
                _refuse_wide(arg)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` as the sandbox wraps it, refusing too wide fields first."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_brace_format(value.__self__)
        return wrapped

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if (
            operator_name == "**"
            and isinstance(left, int | float)
            and isinstance(right, int | float)
        ):
            base = abs(left)
            if base > 1 and (
                abs(right) > MAX_EXPONENT or _power_digits(base, right) > MAX_POWER_DIGITS
            ):
                raise SecurityError(POWER_TOO_BIG)
        if operator_name == "%" and isinstance(left, str):
            _check_percent_format(left, right)
        if operator_name == "*":
            count = right if isinstance(left, str | list | tuple) else left
            item = left if isinstance(left, str | list | tuple) else right
            if isinstance(count, int) and _size(item) * max(count, 0) > MAX_BUILT_LENGTH:
                raise SecurityError(TOO_LONG)
        if operator_name == "+" and _size(left) + _size(right) > MAX_BUILT_LENGTH:
            raise SecurityError(TOO_LONG)
        return _BINOPS[operator_name](left, right)


def _power_digits(base: float, exponent: float) -> float:
    import math

    return exponent * math.log10(base) if exponent > 0 else 0.0


def limit_child_resources(
    cpu_seconds: int = CHILD_CPU_SECONDS, memory_bytes: int = CHILD_MEMORY_BYTES
) -> None:
    """Cap the CPU time and address space of the current process; call it in the render child.

    A template that builds a huge value then fails with MemoryError, and one that loops for ever
    is killed by the kernel, whatever the parent's wall-clock limit does.
    """
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


class CachingSandbox(BoundedSandbox):
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


def make_env(cached: bool = False) -> BoundedSandbox:
    """A sandbox: no loader, autoescaped XML, strict undefined, minimal globals.

    With ``cached`` the process-wide instance that keeps compiled templates is returned; it is
    safe to share because the immutable sandbox keeps no state between renders.
    """
    if cached:
        return _shared_env()
    env = BoundedSandbox(autoescape=True, undefined=StrictUndefined, loader=None)
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


_OPERATOR_NEEDLES = ("**", "*", "+", "~", "format", "%", *_WIDTH_METHODS, *_WIDTH_FILTERS)


def explain_security(exc: SecurityError, source: str) -> TemplateRejected:
    """A sandbox violation at render time, as a Russian refusal naming the tag when possible."""
    if str(exc) in _BOUND_MESSAGES:
        operator_tag = next((tag for op in _OPERATOR_NEEDLES if (tag := find_tag(source, op))), "")
        return TemplateRejected(f"шаблон отклонён: {exc}", operator_tag)
    attr = re.search(r"attribute '([^']+)'", str(exc))
    tag = find_tag(source, attr.group(1)) if attr else ""
    return TemplateRejected(
        "шаблон пытается выполнить запрещённое действие (доступ к внутренним объектам Python)", tag
    )
