"""The visible signature stamp of ГОСТ Р 7.0.97-2016 («ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ»).

The stamp text is set in PT Serif, embedded as a subset, so the signed file stays PDF/A-3b.
PT Serif is used because its em is 1000 units: pyHanko writes glyph widths in raw font units, so
fonts with 2048-unit ems (Liberation, DejaVu) come out letter-spaced.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

from . import pyhanko_compat
from .errors import SigningError

STAMP_TEMPLATE = (
    "ДОКУМЕНТ ПОДПИСАН\n"
    "ЭЛЕКТРОННОЙ ПОДПИСЬЮ\n"
    "\n"
    "Сертификат: %(serial)s\n"
    "Владелец: %(owner)s\n"
    "Действителен: с %(valid_from)s по %(valid_to)s\n"
    "Подписан: %(signed_at)s"
)

# Default stamp box (points) when a document reserves none: bottom right of the last A4 page.
DEFAULT_STAMP_BOX: tuple[int, int, int, int] = (300, 36, 560, 126)

_FONT_FILE_NAMES = ("PTF55F.ttf", "PTSerif-Regular.ttf", "PT_Serif-Web-Regular.ttf")
_FONT_DIRS = (
    "/usr/share/fonts/truetype/paratype",
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    os.path.expanduser("~/.local/share/fonts"),
    os.path.expanduser("~/.fonts"),
)
STAMP_BLUE = (0.1, 0.2, 0.6)


@dataclass(frozen=True)
class StampFields:
    """The values printed in the stamp."""

    serial: str
    owner: str
    valid_from: str
    valid_to: str
    signed_at: str
    """Signing date and time in the school's time zone: «07.12.2026 14:05 (МСК)»."""

    def as_params(self) -> dict[str, str]:
        """Return the interpolation parameters for :data:`STAMP_TEMPLATE`."""
        return {
            "serial": self.serial,
            "owner": self.owner,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "signed_at": self.signed_at,
        }


def certificate_owner(cert: asn1_x509.Certificate) -> str:
    """Return the owner's ФИО: surname and given names when present, else the common name."""
    subject = cert.subject.native
    surname, given = subject.get("surname"), subject.get("given_name")
    if surname and given:
        return f"{surname} {given}"
    return str(subject.get("common_name") or cert.subject.human_friendly)


def serial_hex(serial: int) -> str:
    """Format a certificate serial number as upper-case hex with an even number of digits."""
    text = format(serial, "X")
    return text if len(text) % 2 == 0 else "0" + text


def school_zone(time_zone: str) -> ZoneInfo:
    """The IANA time zone ``time_zone``; a :class:`SigningError` names a wrong one."""
    try:
        return ZoneInfo(time_zone)
    except (ValueError, ZoneInfoNotFoundError):
        raise SigningError(f"Неизвестный часовой пояс штампа подписи: «{time_zone}»") from None


def zone_label(moment: dt.datetime) -> str:
    """How Russian documents name a time zone: «МСК», «МСК+2», else the UTC offset."""
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    if getattr(moment.tzinfo, "key", "") in _RUSSIAN_ZONES and minutes % 60 == 0:
        # Russian zones are named from Moscow time (UTC+3): Екатеринбург is «МСК+2».
        shift = minutes // 60 - 3
        return "МСК" if shift == 0 else f"МСК{shift:+d}"
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


_RUSSIAN_ZONES = frozenset(
    {
        "Europe/Kaliningrad",
        "Europe/Moscow",
        "Europe/Simferopol",
        "Europe/Volgograd",
        "Europe/Kirov",
        "Europe/Samara",
        "Europe/Astrakhan",
        "Europe/Saratov",
        "Europe/Ulyanovsk",
        "Asia/Yekaterinburg",
        "Asia/Omsk",
        "Asia/Novosibirsk",
        "Asia/Barnaul",
        "Asia/Tomsk",
        "Asia/Novokuznetsk",
        "Asia/Krasnoyarsk",
        "Asia/Irkutsk",
        "Asia/Chita",
        "Asia/Yakutsk",
        "Asia/Khandyga",
        "Asia/Vladivostok",
        "Asia/Ust-Nera",
        "Asia/Magadan",
        "Asia/Sakhalin",
        "Asia/Srednekolymsk",
        "Asia/Kamchatka",
        "Asia/Anadyr",
    }
)


def format_signing_time(moment: dt.datetime, time_zone: str) -> str:
    """«07.12.2026 14:05 (МСК)»: the moment in the school's time zone, to the minute."""
    if moment.tzinfo is None:
        raise SigningError("Время подписания должно быть с часовым поясом")
    local = moment.astimezone(school_zone(time_zone))
    return f"{local:%d.%m.%Y %H:%M} ({zone_label(local)})"


def stamp_fields(
    cert: asn1_x509.Certificate,
    signed_at: dt.datetime | None = None,
    time_zone: str = "UTC",
) -> StampFields:
    """Compute the stamp's values from the signer's certificate and the signing moment.

    Args:
        cert: The signer's certificate.
        signed_at: When the document is signed (aware); now when omitted.
        time_zone: IANA zone the dates are shown in (the school's, e.g. ``Europe/Moscow``).
    """
    zone = school_zone(time_zone)
    validity = cert["tbs_certificate"]["validity"]
    moment = signed_at or dt.datetime.now(dt.UTC)
    return StampFields(
        serial=serial_hex(cert.serial_number),
        owner=certificate_owner(cert),
        valid_from=validity["not_before"].native.astimezone(zone).strftime("%d.%m.%Y"),
        valid_to=validity["not_after"].native.astimezone(zone).strftime("%d.%m.%Y"),
        signed_at=format_signing_time(moment, time_zone),
    )


@functools.cache
def find_stamp_font() -> Path:
    """Locate PT Serif Regular (Debian ``fonts-paratype``) on this machine."""
    for directory in _FONT_DIRS:
        base = Path(directory)
        if not base.is_dir():
            continue
        for name in _FONT_FILE_NAMES:
            direct = base / name
            if direct.is_file():
                return direct
        for name in _FONT_FILE_NAMES:
            found = next(base.rglob(name), None)
            if found is not None:
                return found
    fc_match = shutil.which("fc-match")
    if fc_match:
        result = subprocess.run(
            [fc_match, "-f", "%{file}", "PT Serif:style=Regular"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
        candidate = Path(result.stdout.strip())
        if candidate.is_file() and "pt" in candidate.name.lower():
            return candidate
    raise SigningError(
        "Не найден шрифт PT Serif для штампа подписи: установите пакет fonts-paratype "
        "или укажите файл шрифта в настройках"
    )


def gost_stamp_style(font_path: Path | None = None, font_size: int = 8) -> TextStampStyle:
    """Return the stamp style: a framed blue block in embedded PT Serif."""
    pyhanko_compat.install()
    path = font_path or find_stamp_font()
    # The glyph accumulator's size must equal the text box's, or line positions drift.
    font = pyhanko_compat.CachingGlyphAccumulatorFactory(str(path), font_size=font_size)
    return TextStampStyle(
        stamp_text=STAMP_TEMPLATE,
        text_box_style=TextBoxStyle(
            font=font, font_size=font_size, leading=font_size + 2, text_color=STAMP_BLUE
        ),
        border_width=1,
        border_color=STAMP_BLUE,
        background=None,
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(6),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )
