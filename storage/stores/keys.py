"""Object key rules: ids only, a restricted alphabet, no path tricks."""

from __future__ import annotations

import hashlib
import re

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


def check_key(key: str) -> str:
    """Return ``key`` if it is a safe object key (ASCII ids separated by slashes), else raise."""
    if len(key) > 512 or not _KEY.match(key) or any(part in {".", ".."} for part in key.split("/")):
        raise ValueError(f"недопустимый ключ объекта: {key!r}")
    return key


def safe_id(value: str) -> str:
    """Make an id usable in an object key (replace anything outside ``[A-Za-z0-9._-]``)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", value).strip("._-")
    return cleaned or "_"


def key_id(value: str) -> str:
    """An id for an object key: ``value`` itself when safe, else a cleaned form plus a short hash.

    The hash keeps two different ids that clean to the same text (``5А`` and ``5Б``) apart.
    """
    cleaned = safe_id(value)
    if cleaned == value:
        return value
    return f"{cleaned[:80]}-{hashlib.sha256(value.encode('utf-8')).hexdigest()[:12]}"
