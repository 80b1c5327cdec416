"""Damaged exports never crash an adapter: they import or raise InvalidInput (seeded mutations)."""

from __future__ import annotations

import random
import shutil

import pytest

from service.journal.adapters import read_snapshot
from service.journal.errors import InvalidInput
from service.sample.export import grid_writer, oneroster_writer
from tests.adapters.factory import small_school

JUNK = [
    "",
    "6",
    "Х",
    "5/4/3",
    "О5О",
    "31.02",
    "01.01.2030",
    "зач",
    "н/а",
    "😀",
    "\x00",
    "=SUM(A1)",
    "-1",
    "1e9",
    ";",
    ",",
    '"',
    "\n",
    "2024/2025",
    "5А",
    "1/32/2024",
    "9999-99-99",
    "principal",
    "homeroom",
    "absent",
    "tobedeleted",
    "ФИО",
]


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    root = tmp_path_factory.mktemp("exports")
    school = small_school()
    grid_writer.write_csv_folder(school, root / "grid")
    oneroster_writer.write_folder(school, root / "oneroster")
    return root


def _mutate(folder, rnd, encoding, delimiter):
    files = sorted(folder.iterdir())
    for _ in range(rnd.randint(1, 6)):
        path = rnd.choice(files)
        lines = path.read_bytes().decode(encoding, errors="replace").split("\r\n")
        i = rnd.randrange(len(lines))
        cells = lines[i].split(delimiter)
        roll = rnd.random()
        if roll < 0.15:
            del lines[i]
        else:
            j = rnd.randrange(len(cells))
            if roll < 0.3:
                del cells[j]
            else:
                cells[j] = rnd.choice(JUNK)
            lines[i] = delimiter.join(cells)
        path.write_bytes("\r\n".join(lines).encode(encoding, errors="replace"))


@pytest.mark.parametrize(
    ("fmt", "encoding", "delimiter"),
    [
        ("grid", "cp1251", ";"),
        ("oneroster", "utf-8", ","),
    ],
)
def test_mutated_exports_import_or_are_refused(exports, tmp_path, fmt, encoding, delimiter):
    rnd = random.Random(20261124)
    refused = 0
    for n in range(40):
        work = tmp_path / f"m{n}"
        shutil.copytree(exports / fmt, work)
        _mutate(work, rnd, encoding, delimiter)
        try:
            read_snapshot(work, fmt)
        except InvalidInput as exc:
            refused += 1
            assert exc.problems and all(str(p).strip() for p in exc.problems)
    assert refused > 5  # the mutations do break things; the point is how
