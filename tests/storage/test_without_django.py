"""Loading every storage test module (and its fixtures) loads neither Django nor ``service``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

PROBE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(" ".join(sorted({m.split(".")[0] for m in sys.modules} & {"django", "service"})))
"""


def test_storage_tests_load_without_django_or_the_application() -> None:
    """GIVEN a fresh interpreter WHEN it imports the storage tests THEN no Django, no service."""
    modules = ["tests.fixtures.storage", "tests.fixtures.seaweed"]
    modules += [
        f"tests.storage.{p.stem}" for p in sorted(HERE.glob("*.py")) if p.stem != "__init__"
    ]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(modules) > 10
    assert probe.stdout.strip() == ""
