"""Are the two stores really in two places? A warning when they share a disk or a server.

The Положение об электронном журнале asks for copies kept «на двух носителях ... в разных
помещениях». Two directories on one device, or two buckets behind one S3 host (whatever the
port), lose both copies with that disk or that server; start-up still works, but the CLI and the
dashboard say so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from storage.config import StoreConfig

RULE = "Положение требует хранить копии «на двух носителях ... в разных помещениях»"


@dataclass(frozen=True)
class PlacementWarning:
    """Why stores A and B are not two places, in Russian."""

    reason: str

    @property
    def message(self) -> str:
        """The whole warning: the reason, the rule and what to do."""
        return (
            f"Хранилища A и B {self.reason}. {RULE}: при отказе носителя будут утрачены обе копии. "
            "Перенесите хранилище B на другой диск, в сетевое хранилище или на S3 в другом "
            "помещении (VEDOMOST_STORE_B)."
        )


def _device(path: Path) -> int:
    """The device of ``path``, or of its nearest existing parent (a store not created yet)."""
    for candidate in (path, *path.parents):
        try:
            return os.stat(candidate).st_dev
        except FileNotFoundError:
            continue
    return os.stat(path.anchor or ".").st_dev


def _host(endpoint: str) -> str:
    return (urlsplit(f"//{endpoint}").hostname or endpoint).lower()


def placement_warning(a: StoreConfig, b: StoreConfig) -> PlacementWarning | None:
    """A warning when ``a`` and ``b`` sit on one device (file stores) or one S3 host."""
    if a.kind == b.kind == "file" and a.path is not None and b.path is not None:
        if _device(a.path) == _device(b.path):
            return PlacementWarning(f"находятся на одном устройстве ({a.path} и {b.path})")
        return None
    if a.kind == b.kind == "s3" and _host(a.endpoint) == _host(b.endpoint):
        return PlacementWarning(f"находятся на одном сервере S3 ({_host(a.endpoint)})")
    return None
