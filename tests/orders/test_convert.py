"""DOCX → PDF/A-3b through the real warm LibreOffice (unoserver): content, XMP, signature fields,
and what happens when LibreOffice dies or hangs mid-way."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import time
from pathlib import Path

import pikepdf
import pypdf
import pytest
from PIL import Image

from service.journal import snapshot as m
from service.orders.convert import ConversionError
from service.orders.kinds import KINDS, get_kind
from service.orders.models import IssuedDocument, RegisterEntry
from service.orders.pdfa import pdfa_info
from service.orders.produce import OrderRequest, make_document
from tests.fixtures.orders import FAULT_PORT, FAULT_UNO_PORT, make_converter

pytestmark = pytest.mark.libreoffice


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.django_db
@pytest.mark.parametrize("kind_name", list(KINDS))
def test_every_kind_makes_docx_and_pdfa3b_ready_to_sign(
    kind_name: str, demo_snap: m.Snapshot, orders_converter: object, tmp_path: Path
) -> None:
    kind = get_kind(kind_name)
    made = make_document(
        demo_snap, OrderRequest(kind_name, kind.sample_params(demo_snap)), orders_converter
    )  # type: ignore[arg-type]
    assert made.pdf is not None
    info = pdfa_info(made.pdf)
    assert (info.part, info.conformance) == ("3", "B")
    assert info.identifier == made.document_id
    assert info.signature_fields == kind.signers
    (tmp_path / "out.pdf").write_bytes(made.pdf)
    check = subprocess.run(["qpdf", "--check", str(tmp_path / "out.pdf")], capture_output=True)
    assert check.returncode == 0, check.stdout.decode()[-500:]  # structurally sound after finishing
    text = pdf_text(made.pdf)
    assert made.document_id in text  # printed in the footer
    assert demo_snap.school.short_name in text or "Средняя" in text
    row = IssuedDocument.objects.get(document_id=made.document_id)
    assert row.template_label == made.template_label and row.pdf_sha256 and row.docx_sha256
    if kind.register is not None:
        entry = RegisterEntry.objects.get(document=row)
        assert entry.number == made.number and f"№ {made.number}" in text


@pytest.mark.django_db
def test_signature_field_is_an_empty_printable_widget_inside_the_reserved_box(
    demo_snap: m.Snapshot, orders_converter: object
) -> None:
    made = make_document(demo_snap, OrderRequest("intro-journal"), orders_converter)  # type: ignore[arg-type]
    assert made.pdf is not None
    with pikepdf.open(io.BytesIO(made.pdf)) as pdf:
        (field,) = [f for f in pdf.Root.AcroForm.Fields if f.get("/FT") == pikepdf.Name.Sig]
        assert str(field.T) == "director" and "/V" not in field  # empty: nothing signed yet
        assert int(field.F) & 4  # Print flag (PDF/A)
        assert "/N" in field.AP and "/NeedAppearances" not in pdf.Root.AcroForm
        x1, y1, x2, y2 = (float(v) for v in field.Rect)
        page = next(
            p for p in pdf.pages if any(a.objgen == field.objgen for a in p.get("/Annots", []))
        )
    # the box sits on the signature line: the text «Директор» is at the same height on that page
    words: list[tuple[str, float]] = []
    reader = pypdf.PdfReader(io.BytesIO(made.pdf))
    page_no = next(i for i, p in enumerate(reader.pages) if p.get("/Annots"))
    reader.pages[page_no].extract_text(visitor_text=lambda t, cm, tm, *_: words.append((t, tm[5])))
    y_director = next(y for t, y in words if t.strip().startswith("Директор"))
    assert y1 - 5 <= y_director <= y2 + 5
    assert 0 < x1 < x2 <= float(page.mediabox[2])
    # pyHanko, which the signing step uses, sees the empty field
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    fields = list(enumerate_sig_fields(PdfFileReader(io.BytesIO(made.pdf))))
    assert [name for name, value, _ in fields] == ["director"] and fields[0][1] is None


@pytest.mark.django_db
def test_first_page_looks_like_an_order(
    demo_snap: m.Snapshot, orders_converter: object, tmp_path: Path
) -> None:
    """Rasterise page 1 with pdftoppm: A4 portrait, mostly white, text present in the top area."""
    made = make_document(demo_snap, OrderRequest("transfer"), orders_converter)  # type: ignore[arg-type]
    assert made.pdf is not None
    (tmp_path / "order.pdf").write_bytes(made.pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "order.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    with Image.open(png) as img:
        gray = img.convert("L")
        width, height = gray.size
        assert abs(height / width - 297 / 210) < 0.02
        top = gray.crop((0, 0, width, height // 4))
        dark = sum(top.histogram()[:128])
        assert 0.005 < dark / (width * height // 4) < 0.3  # ink, but not a black page


@pytest.mark.slow
def test_a_killed_or_hung_libreoffice_is_replaced_and_the_conversion_retried(
    tmp_path: Path,
) -> None:
    """GIVEN a warm converter
    WHEN its LibreOffice is killed mid-way THEN the next conversion starts a new server;
    WHEN LibreOffice freezes (SIGSTOP) THEN the attempt times out, the server is replaced and the
    conversion succeeds — the caller is never blocked beyond the time limit."""
    from service.orders.versions import bundled

    docx = bundled(get_kind("intro-journal")).content
    conv = make_converter(
        tmp_path, FAULT_PORT, FAULT_UNO_PORT, conversion_timeout=4.0, total_timeout=60.0
    )
    conv.start()
    try:
        assert conv.docx_to_pdfa(docx).startswith(b"%PDF-")
        # 1. killed
        assert conv.pid is not None
        os.killpg(conv.pid, signal.SIGKILL)  # the whole LibreOffice group dies
        time.sleep(0.5)
        assert not conv.alive(1.0)
        pdf = conv.docx_to_pdfa(docx)
        assert pdf.startswith(b"%PDF-") and conv.starts == 2
        assert pdfa_info(pdf).part == "3"
        # 2. hung
        assert conv.pid is not None
        frozen = [pid for pid in _group_members(conv.pid) if pid != conv.pid]
        assert frozen, "LibreOffice runs in the converter's process group"
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        started = time.monotonic()
        pdf = conv.docx_to_pdfa(docx)
        assert pdf.startswith(b"%PDF-") and conv.starts == 3  # the frozen server was replaced
        assert time.monotonic() - started < 60
        assert all(not Path(f"/proc/{pid}").exists() or _is_zombie(pid) for pid in frozen)
    finally:
        conv.stop()


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except OSError:
        return True


def test_when_libreoffice_cannot_run_a_clear_error_comes_quickly(tmp_path: Path) -> None:
    conv = make_converter(
        tmp_path,
        FAULT_PORT,
        FAULT_UNO_PORT,
        executable="/bin/false",
        start_timeout=5.0,
        total_timeout=20.0,
        attempts=2,
    )
    started = time.monotonic()
    with pytest.raises(ConversionError, match="не удалось преобразовать документ в PDF/A") as info:
        conv.docx_to_pdfa(b"PK not really a docx")
    assert "LibreOffice" in str(info.value)
    assert time.monotonic() - started < 25
    missing = make_converter(
        tmp_path, FAULT_PORT, FAULT_UNO_PORT, executable="/nonexistent/unoserver", attempts=1
    )
    with pytest.raises(ConversionError, match="не удалось запустить сервер LibreOffice"):
        missing.docx_to_pdfa(b"x")


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == pgid:
                members.append(int(entry.name))
        except (ProcessLookupError, PermissionError):
            continue
    return members


@pytest.mark.django_db
def test_signing_signs_into_the_reserved_field_and_the_signature_validates(
    demo_snap: m.Snapshot, orders_converter: object, tmp_path: Path
) -> None:
    """The contract with ``signing``: it signs INTO our empty ``director`` field (same box)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    from signing import demo_signer, demo_trust_root, sign_pdf, validate
    from signing.levels import load_trust_roots
    from signing.pades import SigningOptions

    made = make_document(demo_snap, OrderRequest("transfer"), orders_converter)  # type: ignore[arg-type]
    assert made.pdf is not None
    with pikepdf.open(io.BytesIO(made.pdf)) as pdf:
        (ours,) = [f for f in pdf.Root.AcroForm.Fields if str(f.T) == "director"]
        box = [round(float(v), 1) for v in ours.Rect]
    signed = sign_pdf(made.pdf, demo_signer(tmp_path), SigningOptions(stamp=True))
    reader = PdfFileReader(io.BytesIO(signed))
    (sig,) = reader.embedded_signatures
    assert sig.field_name == "director"
    assert [round(float(v), 1) for v in sig.sig_field["/Rect"]] == box  # no new field was made
    root = demo_trust_root(tmp_path)
    assert root is not None
    report = validate(signed, load_trust_roots([root]))
    assert report.valid, report.to_json()
    assert pdfa_info(signed).part == "3"  # the incremental update keeps the PDF/A declaration
