"""Benchmark: generate the 1,000-student sample school for a full year and write it.

Run: ``python -m bench.sample [--students 1000] [--seed 7]``. Prints wall time per step, peak
memory, file sizes and the counts of every entity. Figures on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from service.journal.sample import counts, dump_school, generate_school, write_school


def main() -> None:
    """Generate, serialise and write the sample school, printing the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--year", default="2024/2025")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    doc = generate_school(students=args.students, year=args.year, seed=args.seed)
    generated = time.perf_counter()
    data = dump_school(doc)
    dumped = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        gz_path = Path(tmp) / "school.json.gz"
        write_school(gz_path, doc=doc)
        written = time.perf_counter()
        gz_size = gz_path.stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"sample school: {args.students} students, {args.year}, seed {args.seed}")
    print(f"  generate      {generated - started:6.2f} s")
    print(f"  JSON encode   {dumped - generated:6.2f} s   {len(data) / 1e6:7.1f} MB")
    print(f"  write .json.gz{written - dumped:6.2f} s   {gz_size / 1e6:7.1f} MB")
    print(f"  peak memory   {peak_mb:6.0f} MB (max RSS)")
    for key, value in counts(doc).items():
        print(f"  {key:<14}{value:>9}")


if __name__ == "__main__":
    main()
