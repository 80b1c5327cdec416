"""The in-memory catalog keeps the catalog contract (and is what the storage tests run on)."""

from __future__ import annotations

import pytest

from storage.memory_catalog import MemoryCatalog
from tests.storage.catalog_contract import CatalogContract


class TestMemoryCatalog(CatalogContract):
    @pytest.fixture
    def catalog(self) -> MemoryCatalog:
        return MemoryCatalog()
