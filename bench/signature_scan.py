"""What reading a PDF's signatures at ingest costs: ``storage.signature_scan`` per document.

Run: ``python -m bench.signature_scan [--rounds N]``. Prints the mean and p95 wall time of
``has_pdf_signature`` (the byte test every ingest always did) and ``scan_signatures`` (the pyHanko
parse added for the catalog's level and time-stamp expiry) for an unsigned PDF, a B-B PDF with
the visible stamp and a B-LTA PDF, with the machine's load. Figures on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from signing.levels import Level
from signing.pades import SigningOptions, sign_pdf
from storage.signature_scan import has_pdf_signature, scan_signatures
from tests.fixtures.signing import make_pdf, running_test_pki


def _time(func: Callable[[io.BytesIO], object], data: bytes, rounds: int) -> tuple[float, float]:
    samples = []
    for _ in range(rounds):
        stream = io.BytesIO(data)
        start = time.perf_counter()
        func(stream)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.mean(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    pdf = make_pdf(2)
    with tempfile.TemporaryDirectory() as tmp, running_test_pki(Path(tmp)) as pki:
        signer = pki.signer("director")
        files = {
            "без подписи": pdf,
            "B-B со штампом": sign_pdf(pdf, signer, SigningOptions(stamp=True)),
            "B-LTA": sign_pdf(
                pdf,
                signer,
                SigningOptions(level=Level.B_LTA, tsa_url=pki.tsa_url, trust_roots=(pki.root,)),
            ),
        }
    print(f"load average: {os.getloadavg()[0]:.2f}; rounds: {args.rounds}")
    for name, data in files.items():
        byte_mean, byte_p95 = _time(has_pdf_signature, data, args.rounds)
        scan_mean, scan_p95 = _time(scan_signatures, data, args.rounds)
        print(
            f"{name:16} {len(data) / 1024:7.1f} KiB  has_pdf_signature {byte_mean:6.2f} ms "
            f"(p95 {byte_p95:6.2f})  scan_signatures {scan_mean:6.2f} ms (p95 {scan_p95:6.2f})"
        )


if __name__ == "__main__":
    main()
