"""What the class teacher's signature adds to a close: director only vs class teacher + director.

Run: ``python -m bench.teacher_sign [--docs N]``. Two-page PDF/A with both signature fields, the
demo keys (RSA-2048), B-B with the visible stamp, each signer prepared once as the close does.
Wall-clock on a shared machine: noisy.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from signing.demo_pki import ensure_demo_pki
from signing.pades import SigningOptions, prepare, sign_with
from signing.signers import load_pkcs12
from tests.fixtures.signing import make_pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=40)
    docs = parser.parse_args().docs
    with tempfile.TemporaryDirectory() as tmp:
        pki = ensure_demo_pki(
            Path(tmp), director="Иванова Мария Сергеевна", people={"t1": "Петров Андрей Николаевич"}
        )
        password = pki.director_password()
        director = prepare(
            load_pkcs12(pki.director_p12, password),
            SigningOptions(field_name="director", stamp=True),
        )
        teacher = prepare(
            load_pkcs12(pki.person_p12("t1"), password),
            SigningOptions(field_name="class_teacher", stamp=True),
        )
        pdf = make_pdf(2, fields=("class_teacher", "director"))
        sign_with(director, pdf)  # warm up fonts and imports
        started = time.perf_counter()
        for _ in range(docs):
            sign_with(director, pdf)
        alone = (time.perf_counter() - started) / docs
        started = time.perf_counter()
        for _ in range(docs):
            sign_with(director, sign_with(teacher, pdf))
        both = (time.perf_counter() - started) / docs
    print(f"документов: {docs}")
    print(f"только директор:              {alone * 1000:.1f} мс на документ")
    print(f"классный руководитель + директор: {both * 1000:.1f} мс на документ")
    print(f"добавляет подпись классного руководителя: {(both - alone) * 1000:.1f} мс")


if __name__ == "__main__":
    main()
