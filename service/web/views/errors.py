"""Error pages in Russian: what happened and what to do next.

``handler403``/``handler404``/``handler500`` in ``service/urls.py`` point here, and
:class:`UserErrorMiddleware` turns a :class:`service.errors.UserError` raised by a view into a
page with its message instead of a 500, and a busy SQLite catalog («database is locked») into
:class:`service.errors.CatalogBusy`: 503 with «Каталог занят, повторите через минуту».
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from service.errors import CatalogBusy, UserError, is_catalog_busy

log = logging.getLogger(__name__)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: the user may not see this."""
    return render(request, "web/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: no such page or document."""
    return render(request, "web/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: a bug. The page needs no database or session: those may be what failed."""
    return HttpResponse(loader.get_template("web/500.html").render(), status=500)


def user_error(request: HttpRequest, error: UserError) -> HttpResponse:
    """The page (or, under ``/api/``, the JSON) for an error the user can act on."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": error.user_message()}, status=error.http_status)
    return render(
        request, "web/error.html", {"message": error.user_message()}, status=error.http_status
    )


class UserErrorMiddleware:
    """Show a :class:`UserError` escaping a view as a Russian page with its own status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, UserError):
            log.info("%s on %s: %s", type(exception).__name__, request.path, exception)
            return user_error(request, exception)
        if is_catalog_busy(exception):
            log.warning("catalog busy on %s: %s", request.path, exception)
            response = user_error(request, CatalogBusy())
            response["Retry-After"] = "60"
            return response
        return None
