"""One django-ninja router per area of the API; :mod:`service.api.app` mounts them all."""
