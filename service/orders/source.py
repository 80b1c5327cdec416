"""Where the orders commands get the journal snapshot from."""

from __future__ import annotations

import json
from pathlib import Path

from service.errors import NotFoundError
from service.journal.snapshot import Snapshot


class NoSnapshot(NotFoundError):
    """No snapshot could be loaded; the message is in Russian."""


def load_snapshot(path: str | None = None, demo: bool = False) -> Snapshot:
    """The snapshot from a canonical JSON file, the built-in sample school, or the latest import."""
    if demo:
        from service.orders.sample_school import sample_snapshot

        return sample_snapshot()
    if path:
        from service.journal.canonical import snapshot_from_dict

        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise NoSnapshot(
                f"не удалось прочитать срез журнала {Path(path).name}: {exc}"
            ) from None
        return snapshot_from_dict(data)
    from service.journal.store import latest_snapshot

    snap = latest_snapshot()
    if snap is None:
        raise NoSnapshot(
            "нет импортированного среза журнала; сначала выполните импорт "
            "или укажите --snapshot ФАЙЛ или --demo"
        )
    return snap
