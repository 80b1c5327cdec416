"""The progress bar: drawn for a person at a terminal, absent from pipes and from --json."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import ROOT


def _run_on_terminal(args: list[str], data_dir: Path) -> tuple[int, str]:
    """Run ``vedomost ARGS`` with stdout and stderr on a pseudo-terminal; its exit code and text."""
    env = {**os.environ, "VEDOMOST_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("VEDOMOST_DATABASE_URL", None)
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "service", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=300), b"".join(chunks).decode("utf-8", "replace")


def test_import_on_a_terminal_shows_counts(school_file: Path, data_dir: Path) -> None:
    """GIVEN a terminal WHEN a journal is imported THEN a bar with the step count is drawn."""
    code, text = _run_on_terminal(["import", str(school_file)], data_dir)
    assert code == 0, text
    assert "Импорт" in text and "2/2" in text


def test_no_bar_when_output_is_not_a_terminal(vedomost, school_file: Path) -> None:  # type: ignore[no-untyped-def]
    """WHEN stdout is a pipe THEN neither stdout nor stderr carries a progress bar."""
    result = vedomost("import", str(school_file))
    assert result.returncode == 0, result.stderr
    assert "Импорт" not in result.stderr and "2/2" not in result.stderr + result.stdout


def test_no_bar_with_json_even_on_a_terminal(school_file: Path, data_dir: Path) -> None:
    """WHEN --json is given THEN the terminal gets only the JSON document."""
    code, text = _run_on_terminal(["import", str(school_file), "--json"], data_dir)
    assert code == 0, text
    assert "Импорт" not in text and "2/2" not in text
    body = text.replace("\r\n", "\n")
    if body.startswith("Подготовка базы данных каталога"):  # first use of the data directory
        body = body.split("\n", 1)[1]
    assert json.loads(body)["status"] == "created"


class _Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_each_step_of_a_long_command_gets_its_own_bar(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a terminal WHEN a function reports two steps (2 items, then 3) THEN the second bar
    starts empty and counts to its own total."""
    from service.cli.progress import progress

    monkeypatch.setattr(sys, "stdout", _Terminal())
    monkeypatch.setattr(sys, "stderr", _Terminal())
    with progress("Шаги") as advance:
        for done in (1, 2):
            advance(done, 2)
        for done in (1, 2, 3):
            advance(done, 3)
    frames = [f for f in sys.stderr.getvalue().replace("\r", "\n").split("\n") if "Шаги" in f]
    one_third = next(f for f in frames if f.rstrip().endswith("1/3") or " 1/3 " in f)
    assert one_third.count("#") < one_third.count("-") + one_third.count(" ")  # not a full bar
    assert any("2/2" in f for f in frames) and any("3/3" in f for f in frames)
