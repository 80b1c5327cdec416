"""Every file the web pages hand out goes through :func:`file_response` (RFC 6266 names).

Django's ``FileResponse`` encodes a non-ASCII name as an RFC 2047 word (``=?utf-8?q?…``), which
browsers do not decode in ``Content-Disposition``; the header here carries an ASCII fallback in
``filename`` and the real name in ``filename*`` (RFC 5987), as RFC 6266 describes.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django.http import HttpResponse

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),
        strict=True,
    )
)


def ascii_name(filename: str) -> str:
    """A plain ASCII stand-in for ``filename`` (Cyrillic transliterated, the rest dropped)."""
    out = []
    for char in filename:
        lower = char.lower()
        if lower in _TRANSLIT:
            latin = _TRANSLIT[lower].strip("-")
            out.append(latin.capitalize() if char != lower else latin)
        elif char.isascii() and (char.isalnum() or char in "._-"):
            out.append(char)
        else:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain if plain.isalnum() else "_")
    return "".join(out) or "file"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment; filename="ascii.pdf"; filename*=UTF-8''%D0%92…`` for ``filename``."""
    kind = "inline" if inline else "attachment"
    fallback = ascii_name(filename).replace("\\", "_").replace('"', "_")
    if fallback == filename:
        return f'{kind}; filename="{fallback}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(
    data: bytes,
    filename: str,
    content_type: str = "application/pdf",
    *,
    inline: bool = False,
) -> HttpResponse:
    """A response carrying ``data`` as a download named ``filename``."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    return response
