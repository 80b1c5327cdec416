"""Import adapters: each turns a journal export into a :class:`~service.journal.snapshot.Snapshot`.

Contract of an adapter: a module with ``read(path: Path) -> Snapshot`` that raises
:class:`~service.journal.errors.InvalidInput` (every problem it found, in Russian, with file, place
and field) and never a bare exception for bad input. ``read_snapshot`` picks the adapter, then runs
the format-independent checks of :mod:`service.journal.checks` on whatever the adapter returned, so
nothing referentially broken reaches the catalog.
"""

from __future__ import annotations

import importlib
import zipfile
from collections.abc import Callable
from pathlib import Path

from service.journal.adapters.report import AdapterResult
from service.journal.checks import check_snapshot, entity_locator
from service.journal.errors import InputProblem, InvalidInput, ProblemCollector
from service.journal.snapshot import Snapshot

# Adapter name → module that defines ``read(path: Path) -> Snapshot``. One line per adapter;
# modules are imported on first use.
ADAPTERS: dict[str, str] = {
    "json": "service.journal.adapters.json_format",
    "grid": "service.journal.adapters.grid",
    "oneroster": "service.journal.adapters.oneroster",
}

FORMAT_NAMES = ("auto", *ADAPTERS)

_GRID_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"


def _problem(path: Path, message: str) -> InvalidInput:
    return InvalidInput([InputProblem(path.name, "", "", message)])


def adapter(fmt: str) -> Callable[[Path], Snapshot]:
    """The ``read`` function registered for ``fmt``; InvalidInput if there is none."""
    module_name = ADAPTERS.get(fmt)
    if module_name is None:
        known = ", ".join(ADAPTERS)
        raise InvalidInput(
            [InputProblem("", "", "", f"неизвестный формат «{fmt}»; известны: {known}")]
        )
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise InvalidInput(
            [InputProblem("", "", "", f"формат «{fmt}» в этой установке не поддерживается")]
        ) from None
    read: Callable[[Path], Snapshot] = module.read
    return read


def detect_format(path: Path | str) -> str:
    """Guess the adapter for ``path``: 'json', 'grid' or 'oneroster' (InvalidInput if unknown)."""
    path = Path(path)
    if not path.exists():
        raise _problem(path, "файл не найден")
    if path.is_dir():
        names = {p.name.lower() for p in path.iterdir()}
        if "manifest.csv" in names:
            return "oneroster"
        if any(n.endswith(_GRID_SUFFIXES) for n in names):
            return "grid"
        raise _problem(path, "в папке нет ни manifest.csv (OneRoster), ни таблиц журнала")
    name = path.name.lower()
    if name.endswith((".json", ".json.gz", ".gz")):
        return "json"
    if name.endswith(_GRID_SUFFIXES):
        return "grid"
    if name.endswith(".zip"):
        return _detect_zip(path)
    with path.open("rb") as fh:
        head = fh.read(64)
    if not head:
        raise _problem(path, "файл пуст")
    if head.startswith(_GZIP_MAGIC) or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "json"
    if head.startswith(_ZIP_MAGIC):
        return _detect_zip(path)
    raise _problem(path, "не удалось определить формат файла; укажите --format")


def _detect_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n.lower().rsplit("/", 1)[-1] for n in archive.namelist()]
    except zipfile.BadZipFile:
        raise _problem(path, "файл не является архивом zip") from None
    if "manifest.csv" in names:
        return "oneroster"
    if "[content_types].xml" in names or any(n.endswith(_GRID_SUFFIXES) for n in names):
        return "grid"
    raise _problem(path, "в архиве нет ни manifest.csv (OneRoster), ни таблиц журнала")


def read_with_report(path: Path | str, fmt: str = "auto") -> AdapterResult:
    """:func:`read_snapshot` plus the adapter's warnings (from its ``read_with_report``, if any)."""
    path = Path(path)
    if fmt == "auto":
        fmt = detect_format(path)
    elif not path.exists():
        raise _problem(path, "файл не найден")
    read = adapter(fmt)
    reporter = getattr(importlib.import_module(ADAPTERS[fmt]), "read_with_report", None)
    result = reporter(path) if reporter is not None else AdapterResult(read(path))
    if fmt != "json":  # the JSON adapter runs these checks itself, with JSON pointers
        problems = ProblemCollector()
        check_snapshot(result.snapshot, path.name, problems, entity_locator)
        problems.raise_if_any()
    return result


def read_snapshot(path: Path | str, fmt: str = "auto") -> Snapshot:
    """Read an export with the adapter for ``fmt`` (or the detected one) and check it."""
    return read_with_report(path, fmt).snapshot
