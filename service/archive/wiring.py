"""``get_archive()``: the archive built from settings and ``VEDOMOST_*`` variables.

The CLI, the web UI and Celery tasks all call this, so they share one configuration.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from service.archive.catalog import DjangoCatalog
from service.config import ConfigError
from storage.archive import Archive
from storage.config import StoreConfigError, stores_config
from storage.retention import load_schedule


def get_archive() -> Archive:
    """The archive with stores A and B, the Django catalog and the retention schedule."""
    try:
        config_a, config_b = stores_config(os.environ, Path(settings.DATA_DIR))
    except StoreConfigError as exc:
        raise ConfigError(exc.variable, exc.problem) from None
    schedule_file = os.environ.get("VEDOMOST_RETENTION_SCHEDULE", "").strip()
    schedule = load_schedule(Path(schedule_file) if schedule_file else None)
    return Archive(config_a.build("A"), config_b.build("B"), DjangoCatalog(), schedule)


def store_placement_warning() -> str | None:
    """The Russian warning when stores A and B share a device or an S3 host, else ``None``."""
    from storage.placement import placement_warning

    try:
        config_a, config_b = stores_config(os.environ, Path(settings.DATA_DIR))
    except StoreConfigError as exc:
        raise ConfigError(exc.variable, exc.problem) from None
    warning = placement_warning(config_a, config_b)
    return warning.message if warning else None
