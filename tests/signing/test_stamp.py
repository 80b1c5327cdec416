"""The ГОСТ Р 7.0.97 visible stamp: content, placement, embedded PT Serif, rendering."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from signing.errors import SigningError
from signing.pades import SigningOptions, sign_pdf
from signing.stamp import DEFAULT_STAMP_BOX, find_stamp_font, format_signing_time
from tests.fixtures.signing import SchoolPki
from tests.signing.helpers import appearance_lines, fonts, widget

MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/Moscow", "07.12.2026 02:30 (МСК)"),
        ("Asia/Yekaterinburg", "07.12.2026 04:30 (МСК+2)"),
        ("Europe/Kaliningrad", "07.12.2026 01:30 (МСК-1)"),
        ("Asia/Vladivostok", "07.12.2026 09:30 (МСК+7)"),
        ("UTC", "06.12.2026 23:30 (UTC+00:00)"),
    ],
)
def test_signing_time_is_shown_in_the_school_time_zone(zone: str, expected: str) -> None:
    """GIVEN 23:30 UTC WHEN shown for a school THEN its local date and time, named from Moscow."""
    moment = dt.datetime(2026, 12, 6, 23, 30, 15, tzinfo=dt.UTC)
    assert format_signing_time(moment, zone) == expected


def test_unknown_time_zone_is_refused_in_russian() -> None:
    with pytest.raises(SigningError, match="часовой пояс"):
        format_signing_time(dt.datetime(2026, 12, 6, tzinfo=dt.UTC), "Europe/Nowhere")


def test_stamp_text_names_serial_owner_and_validity(
    pdf_with_fields: bytes, test_pki: SchoolPki
) -> None:
    """GIVEN a reserved director box WHEN signed with a stamp THEN it carries the ГОСТ texts."""
    signer = test_pki.signer("director")
    before = dt.datetime.now(MOSCOW).replace(second=0, microsecond=0)
    options = SigningOptions(stamp=True, time_zone="Europe/Moscow")
    signed = sign_pdf(pdf_with_fields, signer, options)
    after = dt.datetime.now(MOSCOW)
    lines = appearance_lines(signed, "director")
    signed_line = lines.pop()
    moment = dt.datetime.strptime(signed_line, "Подписан: %d.%m.%Y %H:%M (МСК)")
    assert before <= moment.replace(tzinfo=MOSCOW) <= after, signed_line
    serial = format(test_pki.cert("director").serial_number, "X")
    serial = serial if len(serial) % 2 == 0 else "0" + serial
    assert lines == [
        "ДОКУМЕНТ ПОДПИСАН",
        "ЭЛЕКТРОННОЙ ПОДПИСЬЮ",
        f"Сертификат: {serial}",
        "Владелец: Сидоров Иван Петрович",
        "Действителен: с 01.09.2025 по 01.09.2027",
    ]
    annot = widget(signed, "director")
    assert [float(x) for x in annot["/Rect"]] == [310, 40, 560, 130]  # the template's box
    assert int(annot["/F"]) & 4, "widget must carry the Print flag for PDF/A"


def test_stamp_font_is_embedded_pt_serif_and_renders(
    two_page_pdf: bytes, test_pki: SchoolPki, tmp_path: Path
) -> None:
    """GIVEN no reserved field WHEN stamped THEN it sits at the default box in embedded PT Serif."""
    assert find_stamp_font().name.startswith("PT")
    signed = sign_pdf(two_page_pdf, test_pki.signer("director"), SigningOptions(stamp=True))
    annot = widget(signed, "director")
    assert [float(x) for x in annot["/Rect"]] == [float(v) for v in DEFAULT_STAMP_BOX]
    path = tmp_path / "stamped.pdf"
    path.write_bytes(signed)

    rows = fonts(path)
    assert rows and all(row["emb"] == "yes" for row in rows), rows
    assert any("PTSerif" in row["name"] or "PT-Serif" in row["name"] for row in rows)

    subprocess.run(
        ["pdftoppm", "-r", "72", "-f", "2", "-l", "2", "-png", str(path), str(tmp_path / "p")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    height = image.height
    x1, y1, x2, y2 = DEFAULT_STAMP_BOX
    stamp = image.crop((x1 + 3, height - y2 + 3, x2 - 3, height - y1 - 3))
    dark = sum(1 for px in stamp.tobytes() if px < 160)
    assert dark > 300, "the stamp text must be drawn"
    elsewhere = image.crop((x1 - 250, height - y2, x1 - 10, height - y1))
    assert min(elsewhere.tobytes()) > 200


def test_stamp_glyph_advance_is_not_letter_spaced(two_page_pdf: bytes, test_pki: SchoolPki) -> None:
    """The first line's advance matches PT Serif metrics at 8 pt (no 2048-unit letter spacing)."""
    import re

    signed = sign_pdf(two_page_pdf, test_pki.signer("director"), SigningOptions(stamp=True))
    stream = widget(signed, "director")["/AP"]["/N"].get_object().get_data()
    advances = [float(x) for x in re.findall(rb"\] TJ ([0-9.]+) 0 Td", stream)]
    first_line = "ДОКУМЕНТ ПОДПИСАН"
    # PT Serif capitals average ~0.65 em; letter-spaced output would be ~2x wider.
    assert 0.5 * 8 * len(first_line) < advances[0] < 0.8 * 8 * len(first_line)
