"""The site's routes plus two views that fail on purpose, for the error-page tests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from service.errors import NotFoundError
from service.urls import handler403, handler404, handler500
from service.urls import urlpatterns as site


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug with internals: /srv/secret/path")


def missing_document(request: HttpRequest) -> HttpResponse:
    raise NotFoundError("документ VD-0000 не найден в архиве")


urlpatterns = [
    path("test-broken/", broken),
    path("test-missing-document/", missing_document),
    *site,
]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
