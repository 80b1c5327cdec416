"""``get_archive()``: the archive built from the settings in :mod:`service.config`.

The CLI, the web UI and Celery tasks all call this, so they share one configuration.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from service.archive.catalog import DjangoCatalog
from service.config import retention_schedule_file, store_configs
from storage.archive import Archive
from storage.retention import load_schedule


def get_archive() -> Archive:
    """The archive with stores A and B, the Django catalog and the retention schedule."""
    config_a, config_b = store_configs(Path(settings.DATA_DIR))
    schedule = load_schedule(retention_schedule_file())
    return Archive(config_a.build("A"), config_b.build("B"), DjangoCatalog(), schedule)


def store_placement_warning() -> str | None:
    """The Russian warning when stores A and B share a device or an S3 host, else ``None``."""
    from storage.placement import placement_warning

    config_a, config_b = store_configs(Path(settings.DATA_DIR))
    warning = placement_warning(config_a, config_b)
    return warning.message if warning else None
