"""Every file the web pages hand out goes through :func:`file_response` (RFC 6266 names).

Django's ``FileResponse`` encodes a non-ASCII name as an RFC 2047 word (``=?utf-8?q?…``), which
browsers do not decode in ``Content-Disposition``; the header here carries an ASCII fallback in
``filename`` and the real name in ``filename*`` (RFC 5987), as RFC 6266 describes.
"""

from __future__ import annotations

from django.http import HttpResponse

from service.naming import ascii_name, content_disposition

__all__ = ["ascii_name", "content_disposition", "file_response"]


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
