"""URL routes of the Vedomost web service."""

urlpatterns: list[object] = []
