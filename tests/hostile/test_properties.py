"""Property tests: generated malformed input to every adapter ends in a Russian refusal or a whole
snapshot, never another exception and never a snapshot that fails the journal's own checks."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.journal.adapters import read_with_report
from service.journal.canonical import snapshot_from_dict, snapshot_to_dict
from service.journal.checks import check_snapshot, entity_locator
from service.journal.errors import InvalidInput, ProblemCollector
from service.sample.export import oneroster_writer
from tests.adapters.factory import small_school
from tests.adapters.gridfiles import HEADER, filler
from tests.hostile.xlsxfiles import cell_xml, write_sheet
from tests.journal.factories import tiny_snapshot

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

# Text a hostile user would type: quotes, delimiters, line breaks, surrogate escapes, digits, NaN.
HOSTILE_TEXT = st.text(
    alphabet=st.sampled_from(
        [*"\";,\t\r\n\\'=-+.0123456789NaIfinityЖж €\x00\ufeff", "\ud800", "\udc00"]
    ),
    max_size=40,
)
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    HOSTILE_TEXT,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _outcome(path: Path, fmt: str) -> None:
    """Read ``path``; a refusal must be InvalidInput in Russian, an acceptance a whole snapshot."""
    try:
        result = read_with_report(path, fmt)
    except InvalidInput as exc:
        assert exc.problems, "a refusal without problems"
        for problem in exc.problems:
            assert CYRILLIC.search(problem.message), problem
        return
    snapshot = result.snapshot
    problems = ProblemCollector()
    check_snapshot(snapshot, path.name, problems, entity_locator)
    assert not problems, problems.problems
    # the accepted snapshot survives its own canonical round trip: nothing half-built in it
    assert snapshot_from_dict(snapshot_to_dict(snapshot)) == snapshot


def _in_tmp(name: str, write: Callable[[Path], None], fmt: str) -> None:
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        path = Path(tmp) / name
        write(path)
        _outcome(path, fmt)


# --- JSON ---------------------------------------------------------------------------------------

_BASE = snapshot_to_dict(tiny_snapshot())
_PATHS = [
    (key, index, field)
    for key, items in _BASE.items()
    if isinstance(items, list) and items and isinstance(items[0], dict)
    for index in range(min(2, len(items)))
    for field in items[index]
]


@SETTINGS
@given(
    st.lists(st.tuples(st.sampled_from(_PATHS), JSON_VALUES), min_size=1, max_size=3),
    st.booleans(),
)
def test_json_with_generated_values(
    changes: list[tuple[tuple[str, int, str], Any]], ascii_only: bool
) -> None:
    """Fields of a valid document replaced by generated values (NaN, huge, wrong types…)."""
    doc = json.loads(json.dumps(_BASE))
    for (key, index, field), value in changes:
        doc[key][index][field] = value
    text = json.dumps(doc, ensure_ascii=ascii_only)  # writes NaN/Infinity as Python does
    _in_tmp("school.json", lambda p: p.write_text(text, "utf-8", errors="surrogatepass"), "json")


@SETTINGS
@given(st.integers(min_value=0), st.binary(max_size=30), st.integers(min_value=0, max_value=40))
def test_json_with_damaged_bytes(where: int, inserted: bytes, removed: int) -> None:
    """Bytes of a valid document cut out and replaced with generated ones."""
    data = json.dumps(_BASE, ensure_ascii=False).encode("utf-8")
    at = where % len(data)
    damaged = data[:at] + inserted + data[at + removed :]
    _in_tmp("school.json", lambda p: p.write_bytes(damaged), "json")


# --- grid CSV -----------------------------------------------------------------------------------

_HEAD = "№;ФИО обучающегося;02.09;05.09;05.09;Итог"


@SETTINGS
@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.integers(0, 6), HOSTILE_TEXT), min_size=1, max_size=4
    ),
    st.sampled_from(["cp1251", "utf-8", "utf-16"]),
)
def test_grid_csv_with_generated_cells(cells: list[tuple[int, int, str]], encoding: str) -> None:
    """Cells of a valid marks table (header block included) replaced by hostile text."""
    lines = [line.split(";") for line in [*HEADER, _HEAD, *filler(6)]]
    for row, column, text in cells:
        line = lines[row % len(lines)]
        while len(line) <= column:
            line.append("")
        line[column] = text
    data = "\r\n".join(";".join(line) for line in lines)
    raw = data.encode(encoding, errors="surrogatepass" if encoding != "cp1251" else "replace")
    _in_tmp("5А-математика.csv", lambda p: p.write_bytes(raw), "grid")


# --- grid XLSX ----------------------------------------------------------------------------------

XLSX_VALUES = st.one_of(
    HOSTILE_TEXT,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["30.02.2025", "31.09", "02.09.2030", "5/4", "Н", "#DIV/0!", "=1/0"]),
)


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.integers(1, 30),
            st.integers(1, 40),
            XLSX_VALUES,
            st.sampled_from(["value", "formula", "formula-cached"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_grid_xlsx_with_generated_cells(cells: list[tuple[int, int, object, str]]) -> None:
    """A workbook with the journal layout and generated cells (values and formulas) over it."""
    grid: dict[int, dict[int, str]] = {}
    for number, line in enumerate([*HEADER, _HEAD, *filler(6)], start=1):
        for column, text in enumerate(line.split(";"), start=1):
            if text:
                grid.setdefault(number, {})[column] = cell_xml(number, column, text)
    for row, column, value, kind in cells:
        if kind == "value":
            xml = cell_xml(row, column, value)
        else:
            cached = value if kind == "formula-cached" and isinstance(value, int | float) else None
            xml = cell_xml(row, column, cached, formula="1+1")
        grid.setdefault(row, {})[column] = xml
    rows = [(n, "".join(grid[n][c] for c in sorted(grid[n]))) for n in sorted(grid)]
    _in_tmp("журнал.xlsx", lambda p: write_sheet(p, rows), "grid")


# --- OneRoster ----------------------------------------------------------------------------------

_ROSTER = oneroster_writer.package_files(small_school())
_ROSTER_NAMES = sorted(n for n in _ROSTER if n != "manifest.csv")


@SETTINGS
@given(
    st.sampled_from(_ROSTER_NAMES),
    st.lists(st.tuples(st.integers(0), HOSTILE_TEXT), min_size=1, max_size=3),
)
def test_oneroster_with_generated_text(name: str, edits: list[tuple[int, str]]) -> None:
    """Text inserted at generated places of one file of a valid OneRoster package."""
    text = _ROSTER[name].decode("utf-8-sig")
    for where, inserted in edits:
        at = where % (len(text) + 1)
        text = text[:at] + inserted + text[at:]

    def write(folder: Path) -> None:
        folder.mkdir()
        for other, data in _ROSTER.items():
            (folder / other).write_bytes(data)
        (folder / name).write_bytes(text.encode("utf-8", errors="surrogatepass"))

    _in_tmp("выгрузка", write, "oneroster")
