"""The project as a wheel: installed with its runtime dependencies only, outside the checkout.

GIVEN the wheel built from this checkout, installed into a fresh virtual environment (no system
site packages, no development tools) in a temporary directory
WHEN the main job runs there from another directory — sample → import → render → sign → archive →
verify — and one order is made
THEN every step succeeds with code and templates from the installed package alone.

pip resolves the dependencies from the machine's configured index; their wheels (built here for
those published only as sdists) are kept in a cache directory (``VEDOMOST_WHEEL_CACHE``, default
``~/.cache/vedomost-test-wheels``) so later runs install without downloading.
"""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document

ROOT = Path(__file__).resolve().parents[2]
WHEEL_CACHE = Path(
    os.environ.get("VEDOMOST_WHEEL_CACHE", Path.home() / ".cache" / "vedomost-test-wheels")
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]


def _run(
    args: list[str | Path], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} → {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result


def _copy_sources(target: Path) -> Path:
    """The tracked files of the checkout, so the build leaves nothing behind in it."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            (target / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name.decode())
    return target


def _runtime_requirements(wheel: Path) -> list[str]:
    """``Requires-Dist`` of the wheel without the extras (the runtime dependencies)."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(archive.read(name))
    return [r for r in metadata.get_all("Requires-Dist", []) if "extra ==" not in r]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the checkout's files."""
    base = tmp_path_factory.mktemp("build")
    sources = _copy_sources(base / "src")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", base, sources], base)
    (built,) = base.glob("vedomost-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(
    wheel: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, dict[str, str]]]:
    """A fresh venv with the wheel and its runtime dependencies; yields (bin dir, environment)."""
    base = tmp_path_factory.mktemp("wheel")
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", venv], base)
    pip = [venv / "bin" / "python", "-m", "pip", "-q"]
    WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
    offline = subprocess.run(
        [*map(str, pip), "install", "--no-index", "--find-links", str(WHEEL_CACHE), str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    if offline.returncode != 0:  # first run, or dependencies changed: fill the cache once
        # The requirements, not the wheel itself: a cached older vedomost wheel would shadow it.
        # ``pip wheel`` also builds the dependencies published only as sdists (bagit).
        requirements = base / "requirements.txt"
        requirements.write_text("\n".join(_runtime_requirements(wheel)), "utf-8")
        fill = ["wheel", "-w", WHEEL_CACHE, "--find-links", WHEEL_CACHE, "-r", requirements]
        _run([*pip, *fill], base)
        _run([*pip, "install", "--no-index", "--find-links", WHEEL_CACHE, wheel], base)

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VEDOMOST_", "PYTHON", "DJANGO_")) and k != "VIRTUAL_ENV"
    }
    env["VEDOMOST_DATA_DIR"] = str(base / "data")
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    yield venv / "bin", env


def test_wheel_carries_its_templates_and_no_checkout_files(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if n.startswith(("tests/", "bench/", "templates/"))]
    # document (HTML + CSS) and order (DOCX) templates are package data
    for suffix in (".html", ".css", ".docx"):
        assert any(n.startswith("service/") and n.endswith(suffix) for n in names), suffix
    assert any(n.endswith("journal-v1.schema.json") for n in names)


def test_installed_wheel_runs_the_main_job_and_makes_an_order(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    bin_dir, env = installed
    vedomost = bin_dir / "vedomost"

    where = _run(
        [bin_dir / "python", "-c", "import service, signing, storage; print(service.__file__)"],
        tmp_path,
        env,
    ).stdout.strip()
    assert where.startswith(str(bin_dir.parent)), f"service imported from {where}"

    _run([vedomost, "sample", "--students", "11", "-o", "school.json"], tmp_path, env)
    _run([vedomost, "import", "school.json"], tmp_path, env)
    _run(
        [vedomost, "render", "period-summary", "--class", "5А", "--period", "Q1", "-o", "s.pdf"],
        tmp_path,
        env,
    )
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF-")
    _run(
        [vedomost, "sign", "s.pdf", "-o", "signed.pdf", "--signer", "demo", "--stamp"],
        tmp_path,
        env,
    )
    _run([vedomost, "archive", "put", "signed.pdf", "--kind", "period-summary"], tmp_path, env)
    report = _run([vedomost, "verify", "signed.pdf"], tmp_path, env).stdout
    assert "ПОДПИСИ ДЕЙСТВИТЕЛЬНЫ" in report

    _run([vedomost, "order", "intro-journal", "--no-pdf", "-o", "orders"], tmp_path, env)
    (docx,) = (tmp_path / "orders").glob("*.docx")
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "ПРИКАЗ" in text.upper()
