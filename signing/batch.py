"""Batch signing: a whole period-end set with one key unlock and one signature per document.

The caller opens the key once (a PKCS#12 signer or a PKCS#11 session) and passes the signer here;
the time-stamp client, stamp style and reserved signature size are set up once for the batch, so
each document costs one digest, one raw signature and (B-T and above) one time-stamp request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pyhanko.sign.signers.pdf_cms import Signer

from .errors import SigningError
from .pades import SigningOptions, prepare, sign_with


@dataclass(frozen=True)
class BatchItem:
    """One document to sign, named by an id (never by a person's name)."""

    name: str
    pdf: bytes


@dataclass(frozen=True)
class BatchResult:
    """The outcome for one document: signed bytes or a Russian error message."""

    name: str
    signed: bytes | None
    error: str | None


@dataclass(frozen=True)
class BatchSummary:
    """Counts of a finished directory batch."""

    signed: int
    failed: tuple[tuple[str, str], ...]


def sign_batch(
    items: Iterable[BatchItem], signer: Signer, options: SigningOptions
) -> Iterator[BatchResult]:
    """Sign documents one by one with the same already-unlocked signer."""
    prepared = prepare(signer, options)
    for item in items:
        try:
            yield BatchResult(item.name, sign_with(prepared, item.pdf), None)
        except SigningError as exc:
            yield BatchResult(item.name, None, str(exc))


def sign_directory(
    source: Path,
    target: Path,
    signer: Signer,
    options: SigningOptions,
    progress: Callable[[int], None] | None = None,
) -> BatchSummary:
    """Sign every ``*.pdf`` in ``source`` into ``target`` (same file names)."""
    target.mkdir(parents=True, exist_ok=True)
    paths = sorted(p for p in source.iterdir() if p.suffix.lower() == ".pdf" and p.is_file())
    items = (BatchItem(p.name, p.read_bytes()) for p in paths)
    signed = 0
    failed: list[tuple[str, str]] = []
    for result in sign_batch(items, signer, options):
        if result.signed is not None:
            (target / result.name).write_bytes(result.signed)
            signed += 1
        else:
            failed.append((result.name, result.error or ""))
        if progress is not None:
            progress(1)
    return BatchSummary(signed=signed, failed=tuple(failed))
