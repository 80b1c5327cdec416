"""Chunked hashing and bounded-memory spooling of document bytes."""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from storage.stores.base import CHUNK

SPOOL_MAX = 8 * 1024 * 1024
Source = bytes | bytearray | memoryview | Path | BinaryIO


@dataclass(frozen=True)
class Digest:
    """SHA-256 (hex) and size of a byte stream."""

    sha256: str
    size: int


def digest_chunks(chunks: Iterable[bytes]) -> Digest:
    """Hash a stream of chunks."""
    h = hashlib.sha256()
    size = 0
    for chunk in chunks:
        h.update(chunk)
        size += len(chunk)
    return Digest(h.hexdigest(), size)


def read_chunks(stream: IO[bytes], chunk_size: int = CHUNK) -> Iterable[bytes]:
    """Yield a stream's bytes in chunks."""
    while chunk := stream.read(chunk_size):
        yield chunk


def open_source(data: Source) -> BinaryIO:
    """A seekable stream over ``data`` (bytes, a path, or a stream — spooled if not seekable)."""
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(data))
    if isinstance(data, Path):
        return open(data, "rb")
    if data.seekable():
        return data
    return spool(read_chunks(data))


def spool(chunks: Iterable[bytes]) -> BinaryIO:
    """Copy chunks into a temporary file kept in memory up to 8 MiB, rewound."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)
    for chunk in chunks:
        out.write(chunk)
    out.seek(0)
    return out  # type: ignore[return-value]
