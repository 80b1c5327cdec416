"""The data an uploaded template is trial-rendered with: a school as large as a big real one.

A loop that only explodes with real data (a class list inside a class list, a guardian table per
student) passes a trial with a few dozen students and then hangs a real order. With the
1,000-student sample it hits the render limits at upload instead.

Generating that school takes tens of seconds, so each kind's context is built once and kept: in
the process, and pickled under the data directory (``cache/trial-context/``), named by a hash of
the code that makes it, so the next process (another web worker, a CLI run) reads it in a fraction
of a second and a changed generator or kind never reuses a stale file. The cache is written by
this process only (the data directory is as trusted as the catalog in it); a file that cannot be
read is rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from service.journal import snapshot as m
from service.orders.kind import OrderKind

TRIAL_STUDENTS = 1_000
TRIAL_YEAR = "2024/2025"
TRIAL_SEED = 7

log = logging.getLogger(__name__)
_lock = threading.Lock()
_contexts: dict[str, dict[str, Any]] = {}


@lru_cache(maxsize=1)
def trial_snapshot() -> m.Snapshot:
    """The 1,000-student sample school (generated once per process, only when a kind needs it)."""
    from service.journal.canonical import snapshot_from_dict
    from service.sample import generate_school

    return snapshot_from_dict(
        generate_school(students=TRIAL_STUDENTS, year=TRIAL_YEAR, seed=TRIAL_SEED)
    )


def trial_context(kind: OrderKind) -> dict[str, Any]:
    """The context of the big sample school for ``kind``, filling every part of its template."""
    with _lock:
        cached = _contexts.get(kind.id)
        if cached is None:
            cached = _contexts[kind.id] = _load_or_build(kind)
        return cached


def _load_or_build(kind: OrderKind) -> dict[str, Any]:
    path = _cache_dir() / f"{kind.id}-{_fingerprint()}.pickle"
    try:
        with path.open("rb") as f:
            context: dict[str, Any] = pickle.load(f)  # noqa: S301 — written by us, see above
            return context
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        log.warning("trial context cache %s unreadable (%s); rebuilding", path, exc)
    context = _build(kind)
    _write_atomically(path, pickle.dumps(context, protocol=pickle.HIGHEST_PROTOCOL))
    for stale in path.parent.glob(f"{kind.id}-*.pickle"):  # made by code that has changed
        if stale != path:
            stale.unlink(missing_ok=True)
    return context


def _build(kind: OrderKind) -> dict[str, Any]:
    from service.orders.context import ContextRequest, build_context, order_meta

    snap = trial_snapshot()
    meta = order_meta(
        snap, kind, "sample-0000", snap.as_of, number="1", template_version="проверка"
    )
    return build_context(ContextRequest(kind, snap, meta, kind.sample_params(snap)))


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only data directory only costs the next process the build
        log.warning("trial context cache %s not written: %s", path, exc)


def _cache_dir() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "cache" / "trial-context"


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    """A hash of the sources that shape a context: generator, snapshot, kinds, this module."""
    import service.journal.canonical
    import service.orders.context
    import service.orders.kinds
    import service.sample

    roots = [
        Path(service.sample.__file__).parent,
        Path(service.orders.kinds.__file__).parent,
    ]
    files = sorted(p for root in roots for p in root.glob("*.py"))
    files += [
        Path(service.journal.canonical.__file__),
        Path(m.__file__),
        Path(service.orders.context.__file__),
        Path(__file__),
    ]
    digest = hashlib.sha256(f"{TRIAL_STUDENTS}/{TRIAL_YEAR}/{TRIAL_SEED}".encode())
    for file in files:
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]
