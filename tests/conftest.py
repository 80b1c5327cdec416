"""Shared test set-up.

Fixtures for real servers live in ``tests/fixtures/<area>.py`` and are loaded here, one line each.
"""

pytest_plugins: list[str] = [
    "tests.fixtures.sample",
    "tests.fixtures.signing",
    "tests.fixtures.storage",
    "tests.fixtures.orders",
    "tests.fixtures.web",
]
