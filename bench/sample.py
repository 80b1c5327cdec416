"""Benchmark: generate the 1,000-student sample school for a full year and write it.

Run: ``python -m bench.sample [--students 1000] [--seed 7]``. Prints wall time per step, peak
memory, file sizes and the counts of every entity. Figures on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from service.sample import counts, generate_school, write_school


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Generate the sample school and write it as .json and .json.gz, printing the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--year", default="2024/2025")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    started, cpu_started = time.perf_counter(), time.process_time()
    doc = generate_school(students=args.students, year=args.year, seed=args.seed)
    generated, cpu_generated = time.perf_counter(), time.process_time()
    peak_generate = _peak_mb()
    with tempfile.TemporaryDirectory() as tmp:
        plain, packed = Path(tmp) / "school.json", Path(tmp) / "school.json.gz"
        write_school(plain, doc=doc)
        written = time.perf_counter()
        write_school(packed, doc=doc)
        packed_at = time.perf_counter()
        sizes = plain.stat().st_size, packed.stat().st_size

    print(f"sample school: {args.students} students, {args.year}, seed {args.seed}")
    print(f"  machine load  {os.getloadavg()[0]:.1f} (1-min average; figures are noisy)")
    print(
        f"  generate      {generated - started:6.2f} s   (CPU {cpu_generated - cpu_started:.2f} s)"
        f"   peak RSS {peak_generate:5.0f} MB"
    )
    print(f"  write .json   {written - generated:6.2f} s   {sizes[0] / 1e6:7.1f} MB")
    print(f"  write .json.gz{packed_at - written:6.2f} s   {sizes[1] / 1e6:7.1f} MB")
    print(f"  peak RSS      {_peak_mb():6.0f} MB")
    for key, value in counts(doc).items():
        print(f"  {key:<14}{value:>9}")


if __name__ == "__main__":
    main()
