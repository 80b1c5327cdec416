"""Error pages in Russian."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: the user may not see this."""
    return render(request, "web/403.html", status=403)
