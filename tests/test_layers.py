"""The layers of the code: no import cycles, and no import against the pipeline's direction.

Read from the source with ``ast`` (nothing is imported), so a rule holds for every module, also one
that no test loads. Imports inside functions count as well: a lazy import that closes a cycle
still ties the two modules together. Imports under ``if TYPE_CHECKING:`` do not count, since they
never run. Rules are by package prefix, so they keep holding when modules move inside a package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("service", "storage", "signing")

# (importing package prefixes, prefixes they must not import, why)
FORBIDDEN: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (("storage", "signing"), ("service", "django"), "libraries at the edge know no application"),
    (("service.api",), ("service.web",), "the API and the web pages are siblings"),
    (
        ("service.journal",),
        ("service.documents", "service.jobs", "service.web", "service.api", "service.cli"),
        "the import step comes first in the pipeline",
    ),
    (
        ("service.documents",),
        ("service.jobs", "service.web", "service.api", "service.cli"),
        "documents are built before jobs run them and before anyone shows them",
    ),
)


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target`` at ``line``."""

    source: str
    target: str
    line: int


def _modules() -> dict[str, tuple[Path, bool]]:
    """Dotted module name → (file, is a package ``__init__``), migrations left out."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            found[".".join(parts)] = (path, is_package)
    return found


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return any(
        isinstance(n, ast.Name | ast.Attribute)
        and (getattr(n, "id", None) or getattr(n, "attr", None)) == "TYPE_CHECKING"
        for n in ast.walk(test)
    )


def _imports(module: str, path: Path, is_package: bool) -> Iterator[Edge]:
    """Every import in the module that runs (at load time or in a function)."""
    package = module if is_package else module.rpartition(".")[0]
    pending: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"), str(path))]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Edge(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                yield Edge(module, submodule if submodule in MODULES else target, node.lineno)
        else:
            pending.extend(ast.iter_child_nodes(node))


EDGES = [edge for name, (path, pkg) in MODULES.items() for edge in _imports(name, path, pkg)]


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _cycles(edges: list[Edge]) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan)."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for edge in edges:
        if edge.target in MODULES and edge.target != edge.source:
            graph[edge.source].add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative, so a long import chain cannot hit the recursion limit.
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_the_module_list_is_read() -> None:
    """The scan sees the packages (a wrong root would make every rule pass vacuously)."""
    assert {"storage.archive", "signing.validate", "service.api.app"} <= MODULES.keys()
    assert any(e.source == "storage.archive" and e.target == "storage.catalog" for e in EDGES)


def test_no_import_cycles() -> None:
    """No two modules of service/, storage/ or signing/ import each other, even lazily."""
    cycles = _cycles(EDGES)
    details = [
        f"{' ↔ '.join(group)}: "
        + ", ".join(
            f"{e.source}:{e.line} → {e.target}"
            for e in EDGES
            if e.source in group and e.target in group and e.source != e.target
        )
        for group in cycles
    ]
    assert not cycles, "import cycles:\n" + "\n".join(details)


@pytest.mark.parametrize(
    ("sources", "forbidden", "why"), FORBIDDEN, ids=[s[0][0] for s in FORBIDDEN]
)
def test_no_import_against_the_layers(
    sources: tuple[str, ...], forbidden: tuple[str, ...], why: str
) -> None:
    """Each package imports only what comes before it in the pipeline."""
    wrong = [
        f"{e.source}:{e.line} → {e.target}"
        for e in EDGES
        if any(_under(e.source, s) for s in sources) and any(_under(e.target, f) for f in forbidden)
    ]
    assert not wrong, f"{why}:\n" + "\n".join(wrong)


def test_the_cycle_finder_finds_a_lazy_cycle() -> None:
    """GIVEN a → b at load time and b → a inside a function THEN the pair is one cycle."""
    edges = [
        Edge("storage.archive", "storage.relock", 1),
        Edge("storage.relock", "storage.archive", 9),
    ]
    assert _cycles(edges) == [["storage.archive", "storage.relock"]]
