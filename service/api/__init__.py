"""The JSON API (django-ninja, OpenAPI at /api/openapi.json)."""
