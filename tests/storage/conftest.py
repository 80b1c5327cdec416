"""The tests of ``storage/`` run without Django: no database fixture, no ``django_db`` mark.

``test_without_django.py`` checks the other half: importing these tests loads no Django and no
``service`` module. The catalog they use is :class:`storage.memory_catalog.MemoryCatalog`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DJANGO_FIXTURES = {"db", "transactional_db", "django_db_setup", "settings", "client", "live_server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse to run if a storage test asks for Django."""
    wrong = []
    for item in items:
        if HERE not in Path(str(item.path)).resolve().parents:
            continue
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or fixtures & DJANGO_FIXTURES:
            wrong.append(item.nodeid)
    if wrong:
        raise pytest.UsageError(
            "tests of storage/ must run without Django (put them in tests/archive): "
            + ", ".join(wrong)
        )
