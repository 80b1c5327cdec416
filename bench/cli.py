"""CPU time of the ``vedomost`` command as a whole process: ``--help``, ``kinds``, one printout.

Run: ``python -m bench.cli [--runs 3] [--students 60]``. A sample school is written and imported
once into a temporary data directory (that first command also creates the catalog); then each
measured command runs ``--runs`` times as a child process and the best and median user+sys CPU
time of the child are printed next to the target.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TARGETS: dict[str, float] = {"--help": 0.3, "kinds": 0.5, "render journal-printout": 1.5}


def _command() -> list[str]:
    """The console script beside this interpreter, or ``python -m service`` without it."""
    script = Path(sys.executable).with_name("vedomost")
    return [str(script)] if script.exists() else [sys.executable, "-m", "service"]


def _cpu_seconds(argv: list[str], env: dict[str, str]) -> float:
    """Run ``argv`` to completion and return the child's user+sys CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode(errors='replace')}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    """Prepare a data directory, measure the three commands and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per command")
    parser.add_argument("--students", type=int, default=60, help="size of the sample school")
    args = parser.parse_args()

    base = _command()
    data_dir = Path(tempfile.mkdtemp(prefix="vedomost-bench-cli-"))
    env = {**os.environ, "VEDOMOST_DATA_DIR": str(data_dir)}
    try:
        sample = data_dir / "school.json"
        _cpu_seconds([*base, "sample", "--students", str(args.students), "-o", str(sample)], env)
        _cpu_seconds([*base, "import", str(sample)], env)
        printout = [
            "render",
            "journal-printout",
            "--class",
            "5А",
            "--subject",
            "rus",
            "--period",
            "Q1",
            "-o",
            str(data_dir / "printout.pdf"),
        ]
        commands = {"--help": ["--help"], "kinds": ["kinds"], "render journal-printout": printout}
        print(f"{'command':26} {'best, s':>8} {'median, s':>10} {'target, s':>10}")
        for name, extra in commands.items():
            times = [_cpu_seconds([*base, *extra], env) for _ in range(args.runs)]
            best, median = min(times), statistics.median(times)
            verdict = "ok" if best <= TARGETS[name] else "over"
            print(f"{name:26} {best:8.2f} {median:10.2f} {TARGETS[name]:10.1f}  {verdict}")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
