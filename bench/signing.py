"""Signing benchmark: batch B-B with the visible stamp, B-T against a loopback TSA, cost breakdown.

Run: ``python -m bench.signing [--docs N]``. Figures are wall-clock on a shared machine: noisy.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15

from signing.batch import BatchItem, sign_batch
from signing.levels import Level
from signing.pades import SigningOptions
from tests.fixtures.signing import make_pdf, running_test_pki

BENCH_PORT = 19150


def raw_rsa_ms(rounds: int = 300) -> float:
    """Median time of one RSA-2048 PKCS#1 v1.5 SHA-256 signature, in ms."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        key.sign(b"x" * 64, PKCS1v15(), hashes.SHA256())
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def run_batch(
    items: list[BatchItem], signer: object, options: SigningOptions
) -> tuple[float, float]:
    """Sign all items; return (wall-clock, CPU) documents per second.

    CPU time is that of the signing thread only: the loopback TSA runs in this process (a
    server thread) and its time-stamping CPU is the server's cost, not the client's; the
    HTTP round trip itself runs in a worker thread and shows in wall-clock time only. On a
    shared machine CPU time is the steadier of the two figures.
    """
    start, cpu = time.perf_counter(), time.thread_time()
    for result in sign_batch(items, signer, options):  # type: ignore[arg-type]
        assert result.error is None, result.error
    wall = time.perf_counter() - start
    used = time.thread_time() - cpu
    return len(items) / wall, len(items) / used


def naive_pyhanko(items: list[BatchItem], pki: object) -> float:
    """pyHanko's plain SimpleSigner path (key re-parsed, trial signature): documents per second."""
    import io

    from asn1crypto import keys
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = pki.private_key("director")  # type: ignore[attr-defined]
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    registry = SimpleCertificateStore()
    registry.register_multiple([pki.interm, pki.root])  # type: ignore[attr-defined]
    simple = signers.SimpleSigner(
        signing_cert=pki.cert("director"),  # type: ignore[attr-defined]
        signing_key=keys.PrivateKeyInfo.load(der),
        cert_registry=registry,
    )
    meta = signers.PdfSignatureMetadata(field_name="director")
    cpu = time.thread_time()
    for item in items:
        signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(item.pdf)), meta, simple)
    return len(items) / (time.thread_time() - cpu)


def profile_breakdown(fn: Callable[[], object]) -> list[tuple[str, float]]:
    """Share of run time spent in the main parts of one signing run."""
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(v[3] for v in stats.stats.values())  # type: ignore[attr-defined]
    groups = {
        "RSA signature (cryptography)": ("sign_raw",),
        "stamp: font shaping + subsetting": ("shape", "_format_embed_data", "subset"),
        "stamp: layout/appearance": ("_render_inner_content", "render"),
        "reading the PDF": ("IncrementalPdfFileWriter.__init__", "__init__ (reader"),
        "writing the update": ("write_updated_section", "_write"),
        "SHA-256 over the byte ranges": ("compute_digest", "_digest"),
        "CMS building": ("async_sign_general_data", "signed_attrs"),
        "time-stamp request": ("async_request_tsa_response",),
    }
    result = []
    for label, names in groups.items():
        best = 0.0
        for (filename, _line, func), value in stats.stats.items():  # type: ignore[attr-defined]
            if any(func == n or func.endswith(n) for n in names):
                best = max(best, value[3])
        result.append((label, 100 * best / total))
    return result


def main() -> None:
    """Run the benchmark and print figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100)
    args = parser.parse_args()
    base = make_pdf(2)
    items = [BatchItem(f"doc-{n}.pdf", base + f"\n%{n}\n".encode()) for n in range(args.docs)]

    rsa_ms = raw_rsa_ms()
    print(f"raw RSA-2048 signature: {rsa_ms:.3f} ms (median)")
    with tempfile.TemporaryDirectory() as tmp, running_test_pki(Path(tmp), BENCH_PORT) as pki:
        signer = pki.signer("director")
        bb_stamp = SigningOptions(stamp=True)
        bb_plain = SigningOptions(stamp=False)
        bt_stamp = SigningOptions(level=Level.B_T, tsa_url=pki.tsa_url, stamp=True)
        run_batch(items[:5], signer, bb_stamp)  # warm-up (font loading, imports)
        for label, options, n in (
            ("B-B with stamp", bb_stamp, len(items)),
            ("B-B without stamp", bb_plain, len(items)),
            ("B-T with stamp, loopback TSA", bt_stamp, max(20, len(items) // 2)),
        ):
            wall_rate, cpu_rate = run_batch(items[:n], signer, options)
            per_doc = 1000 / cpu_rate
            print(
                f"{label:32s} wall {wall_rate:6.1f} docs/s | CPU {cpu_rate:6.1f} docs/s, "
                f"{per_doc:6.1f} ms/doc = {per_doc / rsa_ms:5.0f} × raw RSA"
            )
        naive = naive_pyhanko(items[:30], pki)
        print(f"{'pyHanko SimpleSigner, no stamp':32s} CPU {naive:6.1f} docs/s, "
              f"{1000 / naive:6.1f} ms/doc (plain pyHanko for comparison)")
        print(f"RSA operations in total: {signer.raw_signatures} for "
              f"{5 + 2 * len(items) + max(20, len(items) // 2)} documents; key parsed once")
        print("\nwhere the time goes (B-B with stamp, 30 docs, cProfile, cumulative %):")
        for label, share in profile_breakdown(lambda: run_batch(items[:30], signer, bb_stamp)):
            print(f"  {label:36s} {share:5.1f} %")


if __name__ == "__main__":
    main()
