"""Write the sample school as JSON: compact and streamed, or indented; ``.json`` or ``.json.gz``."""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from service.sample.school import generate_school


def iter_json(doc: dict[str, Any]) -> Iterator[str]:
    """Compact JSON text of the document in pieces (the same text as one ``json.dumps``).

    Large lists are encoded a few thousand records at a time, so writing a 1,000-student school
    never holds the whole text in memory.
    """
    dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
    yield "{"
    for n, (key, value) in enumerate(doc.items()):
        yield ("," if n else "") + dumps(key) + ":"
        if isinstance(value, list) and len(value) > _CHUNK:
            yield "["
            for start in range(0, len(value), _CHUNK):
                chunk = dumps(value[start : start + _CHUNK])[1:-1]
                yield ("," if start else "") + chunk
            yield "]"
        else:
            yield dumps(value)
    yield "}\n"


_CHUNK = 5000


def dump_school(doc: dict[str, Any], pretty: bool = False) -> bytes:
    """The document as UTF-8 JSON bytes (stable: same document, same bytes)."""
    if pretty:
        return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return "".join(iter_json(doc)).encode("utf-8")


def write_school(
    path: str | Path,
    students: int = 1000,
    year: str | int = "2024/2025",
    seed: int = 7,
    pretty: bool = False,
    as_of: dt.date | str | None = None,
    doc: dict[str, Any] | None = None,
    periods: str = "quarter",
) -> dict[str, Any]:
    """Generate the school, write it to ``path`` (``.json`` or ``.json.gz``), return it."""
    if doc is None:
        doc = generate_school(students=students, year=year, seed=seed, as_of=as_of, periods=periods)
    pieces = (
        [dump_school(doc, pretty=True)] if pretty else (p.encode("utf-8") for p in iter_json(doc))
    )
    target = Path(path)
    with open(target, "wb") as raw:
        if target.name.endswith(".gz"):
            # mtime=0 and no file name in the header: the same document gives the same bytes.
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz:
                for piece in pieces:
                    gz.write(piece)
        else:
            for piece in pieces:
                raw.write(piece)
    return doc


def counts(doc: dict[str, Any]) -> dict[str, int]:
    """Number of records per entity list of a document."""
    return {key: len(value) for key, value in doc.items() if isinstance(value, list)}
