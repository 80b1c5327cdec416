"""Where the months' payroll exports are kept (``VEDOMOST_PAYROLL_DIR/ГГГГ-ММ.csv``).

The month close plans its substitution log against the kept file and the monthly duties keep new
ones (:mod:`service.jobs.monthly`); both find them here.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def payroll_dir() -> Path:
    """Where the months' payroll files are kept."""
    from service.config import payroll_dir as configured

    return configured(Path(settings.DATA_DIR))


def payroll_file(month: str) -> Path | None:
    """The kept payroll file of ``month`` (``2024-10``), if there is one."""
    path = payroll_dir() / f"{month}.csv"
    return path if path.is_file() else None
