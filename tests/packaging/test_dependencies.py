"""Every third-party import in the installed packages is a declared runtime dependency."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("service", "storage", "signing")


def _imported_top_level_names() -> dict[str, str]:
    """Top-level module name → one file importing it, for every non-stdlib, non-local import."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in PACKAGES:
                        found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}


def test_every_third_party_import_is_a_declared_runtime_dependency() -> None:
    distributions = packages_distributions()
    declared = _declared()
    undeclared = {
        name: where
        for name, where in _imported_top_level_names().items()
        if not declared & {canonicalize_name(d) for d in distributions.get(name, [name])}
    }
    assert not undeclared, f"imported but not declared in [project] dependencies: {undeclared}"


def test_every_runtime_dependency_has_an_upper_bound() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    unbounded = [
        r
        for r in project["dependencies"]
        if not any(s.operator in {"<", "<=", "==", "~="} for s in Requirement(r).specifier)
    ]
    assert not unbounded
