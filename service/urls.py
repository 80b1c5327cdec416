"""URL routes of the Vedomost web service."""

from django.urls import include, path

from service.api.app import api

urlpatterns: list[object] = [
    path("api/", api.urls),
    path("", include("service.web.urls")),
]

handler403 = "service.web.views.errors.forbidden"
handler404 = "service.web.views.errors.not_found"
handler500 = "service.web.views.errors.server_error"
