"""The archive catalog (Django models) and the wiring of ``storage.Archive`` for the service."""
