"""URL routes of the Vedomost web service."""

from django.urls import include, path

from service.api.app import api

urlpatterns: list[object] = [
    path("api/", api.urls),
    path("", include("service.web.urls")),
]

handler403 = "service.web.views.errors.forbidden"
