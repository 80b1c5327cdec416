"""Import a journal export file: read it with an adapter, check it, store it as a snapshot.

A byte-identical file imported before with the same adapter is recognised by the SHA-256 of its
bytes and reported as unchanged without parsing it again (the snapshot it produced is known).
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from service.journal.adapters import detect_format, read_with_report
from service.journal.errors import InputProblem, InvalidInput
from service.journal.store import ImportResult, find_by_source, save_snapshot

# Bump when an adapter changes what it makes of the same bytes: old shortcuts then stop matching.
ADAPTER_REVISION = "1"


def source_digest(path: Path) -> str:
    """SHA-256 of the input (a file, or every file of a folder in name order), in 1 MiB chunks."""
    digest = hashlib.sha256(ADAPTER_REVISION.encode())
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode("utf-8") + b"\0")
        with file.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a snapshot is read and stored.

    A full year is millions of small acyclic objects (marks, rows, dicts) that stay alive until
    the end; the collector would walk all of them again and again for nothing (about an eighth of
    the import's CPU). Reference counting still frees everything; cycles are collected afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_file(
    path: Path | str, fmt: str = "auto", progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Import one export (file or folder); raises InvalidInput with every problem found.

    ``progress`` is called with (steps done, 2) after reading and checking, and after saving.
    """
    path = Path(path)
    if not path.exists():
        raise InvalidInput([InputProblem(path.name, "", "", "файл не найден")])
    if fmt == "auto":
        fmt = detect_format(path)
    raw_digest = source_digest(path)
    known = find_by_source(raw_digest, fmt)
    if known is not None:
        return known
    with _without_cycle_collection():
        report = read_with_report(path, fmt)
        if progress is not None:
            progress(1, 2)
        result = save_snapshot(
            report.snapshot, source_format=fmt, source_file=path.name, source_sha256=raw_digest
        )
    if progress is not None:
        progress(2, 2)
    warnings = tuple(f"Предупреждение: {w}" for w in report.warnings)
    return replace(result, messages=(*result.messages, *warnings)) if warnings else result
