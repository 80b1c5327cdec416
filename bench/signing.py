"""Signing benchmark: batch B-B with the visible stamp, B-T against a loopback TSA, cost breakdown.

Run: ``python -m bench.signing [--docs N]``. Figures are wall-clock on a shared machine: noisy.
``--gost`` compares ГОСТ Р 34.10-2012 (256 and 512 bits) with RSA-2048 instead: PAdES B-B with the
visible stamp, documents per second on one core (CPU time of the signing thread), same run.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15

from signing.batch import BatchItem, sign_batch
from signing.levels import Level
from signing.pades import SigningOptions
from tests.fixtures.signing import make_pdf, running_test_pki

BENCH_PORT = 19150
FAST_TSA_PORT = 19151


@contextmanager
def fast_tsa(pki: object, directory: Path) -> Iterator[str]:
    """Start bench.tsa_server in a subprocess with the test PKI's TSA key; yield its URL."""
    from cryptography.hazmat.primitives import serialization

    cert = directory / "tsa.der"
    key = directory / "tsa.key.der"
    cert.write_bytes(pki.cert("tsa").dump())  # type: ignore[attr-defined]
    key.write_bytes(
        pki.private_key("tsa").private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.tsa_server", str(cert), str(key), str(FAST_TSA_PORT)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", FAST_TSA_PORT)) == 0:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{FAST_TSA_PORT}/"
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


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
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
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


def cms_ms(signer: object, rounds: int = 50) -> float:
    """CPU ms to build one signed CMS (attributes, RSA, packaging) without any PDF work."""
    import hashlib

    from signing.pades import run_sync

    digest = hashlib.sha256(b"document").digest()
    run_sync(signer.async_sign(digest, "sha256", use_pades=True))  # type: ignore[attr-defined]
    start = time.thread_time()
    for _ in range(rounds):
        run_sync(signer.async_sign(digest, "sha256", use_pades=True))  # type: ignore[attr-defined]
    return (time.thread_time() - start) / rounds * 1000


def gost_comparison(items: list[BatchItem]) -> None:
    """PAdES B-B with stamp: RSA-2048 (demo PKCS#12) next to ГОСТ-256 and ГОСТ-512 PKCS#12."""
    from signing.demo_pki import ensure_demo_pki
    from signing.gost.demo_pki import generate_gost_pki
    from signing.signers import load_pkcs12

    options = SigningOptions(stamp=True)
    with tempfile.TemporaryDirectory() as tmp:
        demo = ensure_demo_pki(Path(tmp) / "rsa")
        signers: list[tuple[str, object]] = [
            ("RSA-2048", load_pkcs12(demo.director_p12, demo.director_password()))
        ]
        for bits in (256, 512):
            pki = generate_gost_pki(Path(tmp) / f"gost{bits}", bits)
            signer = load_pkcs12(pki.p12("director"), pki.password().encode())
            signers.append((f"ГОСТ-{bits}", signer))
        for _label, signer in signers:
            run_batch(items[:5], signer, options)  # warm-up: font, imports, engine
        for label, signer in signers:
            wall_rate, cpu_rate = run_batch(items, signer, options)
            print(
                f"{label:10s} PAdES B-B with stamp: wall {wall_rate:6.1f} docs/s | "
                f"CPU {cpu_rate:6.1f} docs/s, {1000 / cpu_rate:6.1f} ms/doc"
            )


def main() -> None:
    """Run the benchmark and print figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--gost", action="store_true", help="ГОСТ-256/512 next to RSA-2048")
    args = parser.parse_args()
    base = make_pdf(2)
    items = [BatchItem(f"doc-{n}.pdf", base + f"\n%{n}\n".encode()) for n in range(args.docs)]
    if args.gost:
        gost_comparison(items)
        return

    rsa_ms = raw_rsa_ms()
    print(f"raw RSA-2048 signature: {rsa_ms:.3f} ms (median)")
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_test_pki(Path(tmp), BENCH_PORT) as pki,
        fast_tsa(pki, Path(tmp)) as tsa_url,
    ):
        signer = pki.signer("director")
        bb_stamp = SigningOptions(stamp=True)
        bb_plain = SigningOptions(stamp=False)
        bt_fast = SigningOptions(level=Level.B_T, tsa_url=tsa_url, stamp=True)
        bt_certomancer = SigningOptions(level=Level.B_T, tsa_url=pki.tsa_url, stamp=True)
        run_batch(items[:5], signer, bb_stamp)  # warm-up (font loading, imports)
        run_batch(items[:2], signer, bt_fast)
        per_doc_ms: dict[str, float] = {}
        for label, options, n in (
            ("B-B with stamp", bb_stamp, len(items)),
            ("B-B without stamp", bb_plain, len(items)),
            ("B-T with stamp, loopback TSA", bt_fast, len(items)),
            ("B-T, certomancer TSA in-process", bt_certomancer, 20),
        ):
            wall_rate, cpu_rate = run_batch(items[:n], signer, options)
            per_doc = 1000 / cpu_rate
            per_doc_ms[label] = per_doc
            print(
                f"{label:32s} wall {wall_rate:6.1f} docs/s | CPU {cpu_rate:6.1f} docs/s, "
                f"{per_doc:6.1f} ms/doc = {per_doc / rsa_ms:5.0f} × raw RSA"
            )
        naive = naive_pyhanko(items[:30], pki)
        print(
            f"{'pyHanko SimpleSigner, no stamp':32s} CPU {naive:6.1f} docs/s, "
            f"{1000 / naive:6.1f} ms/doc (plain pyHanko for comparison)"
        )
        print(
            f"RSA operations in total: {signer.raw_signatures} for "
            f"{7 + 3 * len(items) + 20} documents; key parsed once"
        )
        cms = cms_ms(signer)
        plain = per_doc_ms["B-B without stamp"]
        stamp = per_doc_ms["B-B with stamp"] - plain
        bt_extra = per_doc_ms["B-T with stamp, loopback TSA"] - per_doc_ms["B-B with stamp"]
        print("\nwhere one B-B document with stamp goes (CPU ms, derived from the runs above):")
        print(f"  RSA-2048 signature                     {rsa_ms:6.2f}")
        print(f"  rest of the CMS (attributes, certs)    {cms - rsa_ms:6.2f}")
        print(f"  PDF: parse, field, update, hash, write {plain - cms:6.2f}")
        print(f"  visible stamp (layout, font, XObject)  {stamp:6.2f}")
        print(f"  B-T adds (token parse, bigger CMS)     {bt_extra:6.2f}")


if __name__ == "__main__":
    main()
