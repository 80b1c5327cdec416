"""A fast, quiet start: lazy commands, the catalog migrated once, no library warnings."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys

import pytest

import service.cli
from service.cli.main import COMMANDS

HEAVY = ("weasyprint", "pyhanko", "celery", "minio", "docxtpl", "openpyxl")


def _loaded_after(argv: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    """Run the entry point with ``argv`` in a fresh interpreter; the heavy modules it loaded."""
    code = (
        "import json, sys\n"
        "from service.cli.main import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit as exc:\n"
        "    status = exc.code or 0\n"
        "else:\n"
        "    status = 0\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
        "print(json.dumps([status, heavy]), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    status, heavy = json.loads(done.stderr.strip().splitlines()[-1])
    return status, heavy


@pytest.fixture
def env(data_dir) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from tests.cli.conftest import ROOT

    values = {**os.environ, "VEDOMOST_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    values.pop("VEDOMOST_DATABASE_URL", None)
    return values


@pytest.mark.parametrize("argv", [["--help"], ["kinds"], ["kinds", "--json"]])
def test_help_and_kinds_do_not_import_heavy_libraries(argv: list[str], env: dict[str, str]) -> None:
    """GIVEN a fresh process WHEN `vedomost --help` or `kinds` runs THEN no PDF, signing, queue or
    S3 library is imported."""
    status, heavy = _loaded_after(argv, env)
    assert status == 0
    assert heavy == []


def test_every_exported_command_is_in_the_lazy_table() -> None:
    """A command a module exports must be listed in COMMANDS, or `--help` would not show it."""
    exported = set()
    for info in pkgutil.iter_modules(service.cli.__path__, "service.cli."):
        module = importlib.import_module(info.name)
        exported |= {command.name for command in getattr(module, "commands", [])}
    listed = {name for name in COMMANDS if name != "migrate"}
    assert set(exported) == listed
    for name, entry in COMMANDS.items():
        module_name, attr = entry.target.split(":")
        assert getattr(importlib.import_module(module_name), attr).name == name


def test_the_catalog_is_migrated_on_first_use_only(vedomost) -> None:  # type: ignore[no-untyped-def]
    """GIVEN an empty data directory WHEN two commands run THEN only the first creates the
    catalog; `vedomost migrate` then reports it up to date."""
    first = vedomost("snapshots")
    assert first.returncode == 0, first.stderr
    assert "Подготовка базы данных каталога" in first.stderr
    second = vedomost("snapshots")
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""
    assert "Снимков пока нет" in second.stdout
    migrated = vedomost("migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "База данных каталога в актуальном состоянии" in migrated.stdout
    assert "Подготовка базы данных каталога" not in migrated.stderr


def test_commands_that_need_no_catalog_do_not_create_it(vedomost, data_dir) -> None:  # type: ignore[no-untyped-def]
    """`kinds`, `--help` and a command's help leave the data directory without a database."""
    assert vedomost("kinds").returncode == 0
    assert vedomost("--help").returncode == 0
    assert vedomost("archive", "--help").returncode == 0
    assert not (data_dir / "vedomost.sqlite3").exists()


def test_no_library_warning_reaches_the_user(vedomost, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`verify` loads pyHanko (which triggers cryptography's DSA deprecation warning): the user
    sees only the Russian error about the file."""
    not_pdf = tmp_path / "note.pdf"
    not_pdf.write_text("not a pdf")
    result = vedomost("verify", str(not_pdf))
    assert result.returncode == 2
    assert "Warning" not in result.stderr and "DSA" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Ошибка: ")
