"""Warnings libraries raise about themselves, hidden from the people using Vedomost.

They mean nothing to a school's staff and cannot be acted on by them. Called by every process that
talks to a user: the ``vedomost`` entry point and the worker processes it spawns (spawned
processes do not inherit the parent's warning filters).
"""

from __future__ import annotations

import warnings


def quiet() -> None:
    """Ignore the known library warnings, each by its category and the module that triggers it.

    pyHanko imports cryptography's DSA classes, which cryptography marks as deprecated.
    """
    from cryptography.utils import CryptographyDeprecationWarning

    warnings.filterwarnings(
        "ignore", category=CryptographyDeprecationWarning, module=r"pyhanko(\..*)?$"
    )
