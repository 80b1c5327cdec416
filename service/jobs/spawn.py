"""Start-up of spawned job workers; importable before Django is set up."""

from __future__ import annotations

from pathlib import Path


def init_child(database: dict[str, object], data_dir: str) -> None:
    """A spawned worker: set Django up on the parent's database and data directory."""
    import signal

    import django
    from django.conf import settings

    from service import library_warnings

    library_warnings.quiet()

    # Ctrl-C is the parent's to handle: it cancels the close, and the workers then skip the
    # items not started; a worker killed by the signal would leave the pool hanging.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    # Before the first connection is opened, so the child uses exactly the parent's database
    # (under tests, the test database rather than the configured name).
    settings.DATABASES["default"].update(database)
    settings.DATA_DIR = Path(data_dir)
    django.setup()

    from service.jobs.steps import load_steps

    load_steps()
