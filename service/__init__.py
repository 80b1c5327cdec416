"""Vedomost: the application (Django project, import adapters, document builders, jobs, CLI)."""
