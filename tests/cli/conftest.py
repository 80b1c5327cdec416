"""Running ``vedomost`` as a real process: the worktree's code, its own data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

Vedomost = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh data directory: its SQLite catalog does not exist yet."""
    return tmp_path / "var"


@pytest.fixture
def vedomost(data_dir: Path) -> Vedomost:
    """Run ``python -m service ARGS`` with pipes for stdout and stderr; returns the result."""
    env = {**os.environ, "VEDOMOST_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    env.pop("VEDOMOST_DATABASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "service", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


@pytest.fixture
def school_file(tmp_path: Path, sample_school_dict: dict[str, Any]) -> Path:
    """The small sample school written as a canonical JSON export."""
    path = tmp_path / "school.json"
    path.write_text(json.dumps(sample_school_dict, ensure_ascii=False), "utf-8")
    return path
