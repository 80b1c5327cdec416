"""The consents workflow: register per class, statuses with dates, refusal letters, scans, forms."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from PIL import Image

from service.journal import snapshot as m
from service.orders.consents import (
    ConsentError,
    archive_scan,
    class_register,
    consent_register_pdf,
    print_forms,
    set_status,
    upload_scan,
)
from service.orders.models import ConsentRecord, ConsentScan, IssuedDocument
from service.orders.pdfa import pdfa_info
from service.orders.scans import InvalidScan, scan_to_pdfa
from service.russian import full_name

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def image_bytes(fmt: str, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    img = Image.new(mode, (620, 877), "white")
    for x in range(100, 500):
        img.putpixel((x, 200), (0, 0, 0) if mode == "RGB" else (0, 0, 0, 255))
    img.save(out, fmt)
    return out.getvalue()


def test_register_lists_every_guardian_of_the_class_with_status_from_the_journal(
    demo_snap: m.Snapshot,
) -> None:
    lines = class_register(demo_snap, "5А")
    pupils = demo_snap.students_of_class["5А"]
    assert len(lines) == sum(len(s.guardian_ids) for s in pupils)
    assert [x.student_name for x in lines] == [s.full_name for s in pupils]  # class-list order
    by_journal = {(c.student_id, c.guardian_id): c for c in demo_snap.consents}
    for line in lines:
        journal = by_journal[(line.student_id, line.guardian_id)]
        assert line.status == journal.status
        if journal.status == m.ConsentStatus.GIVEN:
            assert line.given_on == journal.date
    assert {x.status for x in lines} >= {"given", "pending", "refused"}
    # calling again creates nothing new
    assert len(class_register(demo_snap, "5А")) == len(lines)
    pairs = sum(len(s.guardian_ids) for s in demo_snap.students if s.left_on is None)
    assert ConsentRecord.objects.count() == pairs  # the whole school was synced once


def test_status_changes_keep_dates_and_a_refusal_drafts_the_letter(demo_snap: m.Snapshot) -> None:
    line = next(x for x in class_register(demo_snap, "5А") if x.status == "pending")
    day = dt.date(2026, 9, 3)
    given = set_status(demo_snap, line.student_id, line.guardian_id, "given", user="ct", on=day)
    assert given.letter is None
    withdrawn = set_status(
        demo_snap,
        line.student_id,
        line.guardian_id,
        "withdrawn",
        user="ct",
        on=day + dt.timedelta(days=30),
    )
    record = ConsentRecord.objects.get(pk=withdrawn.record_id)
    assert (record.status, record.given_on, record.withdrawn_on) == (
        "withdrawn",
        day,
        dt.date(2026, 10, 3),
    )
    refused = set_status(
        demo_snap, line.student_id, line.guardian_id, "refused", user="ct", on=day, convert=False
    )
    assert refused.letter is not None and refused.letter.kind == "refusal-letter"
    from service.orders.render import docx_text

    text = docx_text(refused.letter.docx)
    assert demo_snap.guardian_by_id[line.guardian_id].full_name in text and "03.09.2026" in text
    record.refresh_from_db()
    assert record.refusal_letter is not None
    assert record.refusal_letter.document_id == refused.letter.document_id
    assert IssuedDocument.objects.filter(kind="refusal-letter").count() == 1


def test_bad_status_changes_are_refused(demo_snap: m.Snapshot) -> None:
    line = next(x for x in class_register(demo_snap, "5А") if x.status == "refused")
    with pytest.raises(ConsentError, match="нельзя отозвать"):
        set_status(demo_snap, line.student_id, line.guardian_id, "withdrawn", user="ct")
    with pytest.raises(ConsentError, match="неизвестный статус"):
        set_status(demo_snap, line.student_id, line.guardian_id, "maybe", user="ct")
    with pytest.raises(ConsentError, match="нет такой пары"):
        set_status(demo_snap, line.student_id, "g999", "given", user="ct")


@pytest.mark.parametrize(("fmt", "mode"), [("JPEG", "RGB"), ("PNG", "RGBA")])
def test_image_scans_become_pdfa3b_and_stay_with_the_record(
    fmt: str, mode: str, demo_snap: m.Snapshot
) -> None:
    line = class_register(demo_snap, "9Б")[0]
    scan = upload_scan(demo_snap, line.record_id, image_bytes(fmt, mode), user="secretary")
    info = pdfa_info(bytes(scan.pdf))
    assert (info.part, info.conformance, info.pages) == ("3", "B", 1)
    assert scan.source_type == fmt.lower()
    ref = archive_scan(scan)
    assert (
        ref.startswith(f"{scan.document_id} v1")
        and ConsentScan.objects.get(pk=scan.pk).archive_ref == ref
    )
    from service.archive.wiring import get_archive

    assert get_archive().read(scan.document_id).read() == bytes(scan.pdf)  # both stores, read back
    assert class_register(demo_snap, "9Б")[0].scans == 1


def test_pdf_scan_is_rasterised_with_the_original_attached() -> None:
    from weasyprint import HTML

    original = HTML(
        string="<p>Подписано: Иванова</p><p style='page-break-before:always'>2</p>"
    ).write_pdf()
    assert original is not None
    result = scan_to_pdfa(original)
    reader = pypdf.PdfReader(io.BytesIO(result.pdf))
    assert len(reader.pages) == 2 and result.pages == 2
    assert reader.attachments["original-scan.pdf"][0] == original
    assert pdfa_info(result.pdf).part == "3"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "пуст"),
        (b"GIF89a....", "PDF, JPEG или PNG"),
        (b"\x89PNG\r\n\x1a\nbroken", "повреждено"),
        (b"%PDF-1.4 garbage", "повреждён"),
    ],
)
def test_unusable_scans_are_refused_in_russian(data: bytes, message: str) -> None:
    with pytest.raises(InvalidScan, match=message):
        scan_to_pdfa(data)


def test_consent_register_prints_as_pdfa(demo_snap: m.Snapshot) -> None:
    pdf = consent_register_pdf(demo_snap, "5А")
    text = pdf_text(pdf)
    assert "Реестр согласий" in text and "5А класс" in text
    for s in demo_snap.students_of_class["5А"]:
        assert s.full_name in text
    assert "не собрано" in text and "отказ" in text
    assert pdfa_info(pdf).part == "3"


@pytest.mark.libreoffice
def test_class_forms_print_as_one_pdf_one_page_per_family(
    demo_snap: m.Snapshot, orders_converter: object
) -> None:
    made = print_forms(demo_snap, class_name="9Б", converter=orders_converter)  # type: ignore[arg-type]
    assert made.pdf is not None
    reader = pypdf.PdfReader(io.BytesIO(made.pdf))
    families = demo_snap.students_of_class["9Б"]
    assert len(reader.pages) == len(families)
    for page, pupil in zip(reader.pages, families, strict=True):
        assert full_name(pupil, "gen").split()[0] in page.extract_text()  # «обучающегося Волковой»
    one = print_forms(
        demo_snap,
        guardian_id=demo_snap.guardians[0].id,
        kind="application-edelivery",
        converter=orders_converter,
    )  # type: ignore[arg-type]
    assert one.pdf is not None and len(pypdf.PdfReader(io.BytesIO(one.pdf)).pages) == 1
