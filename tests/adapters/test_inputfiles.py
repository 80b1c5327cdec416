"""Archives are checked before anything is read: zip slip, symlinks, bombs, too many files."""

from __future__ import annotations

import stat
import struct
import zipfile

import pytest

from service.journal.adapters import grid, oneroster
from service.journal.adapters.inputfiles import Limits, gather
from service.journal.errors import InvalidInput, ProblemCollector
from tests.adapters.gridfiles import HEADER, filler

GOOD = "\r\n".join([*HEADER, "№;ФИО обучающегося;02.09;05.09;05.09;Итог", *filler(2)]).encode(
    "cp1251"
)


def _zip(path, entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if isinstance(name, zipfile.ZipInfo):
                archive.writestr(name, data)
            else:
                archive.writestr(name, data)
    return path


def _problems(reader, path, limits=None):
    with pytest.raises(InvalidInput) as caught:
        reader(path, limits) if limits else reader(path)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    "evil",
    [
        "../outside.csv",
        "a/../../outside.csv",
        "/etc/passwd.csv",
        "C:/Windows/x.csv",
        "..\\..\\x.csv",
    ],
)
def test_zip_slip_is_refused_and_nothing_written(tmp_path, evil):
    path = _zip(tmp_path / "journal.zip", [("5А-математика.csv", GOOD), (evil, GOOD)])
    problems = _problems(grid.read_with_report, path)
    assert len(problems) == 1
    assert problems[0].startswith(f"journal.zip, файл «{evil}»: ")
    assert "архив отклонён" in problems[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.zip"]
    assert not (tmp_path.parent / "outside.csv").exists()


def test_symlink_entry_is_refused(tmp_path):
    link = zipfile.ZipInfo("5А-физика.csv")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = _zip(tmp_path / "journal.zip", [("5А-математика.csv", GOOD), (link, "/etc/passwd")])
    assert _problems(oneroster.read_with_report, path) == [
        "journal.zip, файл «5А-физика.csv»: символьная ссылка внутри архива — архив отклонён"
    ]


def test_zip_bomb_by_ratio_is_refused(tmp_path):
    path = _zip(
        tmp_path / "bomb.zip", [("5А-математика.csv", GOOD), ("big.csv", b"\0" * (8 << 20))]
    )
    problems = _problems(grid.read_with_report, path)
    assert len(problems) == 1
    assert problems[0].startswith("bomb.zip, файл «big.csv»: степень сжатия ")
    assert problems[0].endswith(":1 — похоже на zip-бомбу, архив отклонён")


def test_declared_size_over_limit_is_refused(tmp_path):
    path = _zip(tmp_path / "big.zip", [("a.csv", GOOD * 50), ("b.csv", GOOD * 50)])
    limits = Limits(total_bytes=len(GOOD) * 60)
    assert path.stat().st_size < limits.total_bytes
    problems = _problems(grid.read_with_report, path, limits)
    assert problems == [
        f"big.zip: распакованный размер {len(GOOD) * 100} байт больше допустимых "
        f"{len(GOOD) * 60} байт — архив отклонён"
    ]


def test_forged_header_lying_about_size_is_caught_while_reading(tmp_path):
    """A fake for a fault we cannot get from zipfile: the directory declares 10 bytes for 1 MB."""
    data = b"5;" * (512 * 1024)
    path = _zip(tmp_path / "forged.zip", [("x.csv", data)])
    raw = bytearray(path.read_bytes())
    central = raw.rfind(b"PK\x01\x02")
    struct.pack_into("<I", raw, central + 24, 10)  # uncompressed size in the central directory
    local = raw.find(b"PK\x03\x04")
    struct.pack_into("<I", raw, local + 22, 10)
    path.write_bytes(bytes(raw))
    collector = ProblemCollector()
    assert gather(path, collector, Limits()) == []
    assert [str(p) for p in collector.problems] == [
        "forged.zip: x.csv: файл в архиве повреждён и не читается (BadZipFile)"
    ]


def test_too_many_files_is_refused(tmp_path):
    path = _zip(tmp_path / "many.zip", [(f"{i}.csv", b"x") for i in range(30)])
    assert _problems(grid.read_with_report, path, Limits(files=20)) == [
        "many.zip: архив содержит 30 файлов, допустимо не больше 20"
    ]


def test_not_a_zip_and_empty_zip(tmp_path):
    (tmp_path / "a.zip").write_bytes(b"hello, world")
    assert _problems(oneroster.read_with_report, tmp_path / "a.zip") == [
        "a.zip: файл не является архивом ZIP"
    ]
    (tmp_path / "b.zip").write_bytes(b"")
    assert _problems(oneroster.read_with_report, tmp_path / "b.zip") == ["b.zip: файл пуст"]


def test_legacy_cp866_names_are_decoded(tmp_path):
    """Windows «Send to → Compressed folder» stores Russian names in cp866, no UTF-8 flag."""
    legacy = "5А-математика.csv".encode("cp866")
    placeholder = b"x" * len(legacy)
    path = _zip(tmp_path / "old.zip", [(placeholder.decode(), GOOD)])
    path.write_bytes(path.read_bytes().replace(placeholder, legacy))
    collector = ProblemCollector()
    (file,) = gather(path, collector, Limits())
    assert file.name == "5А-математика.csv"
    assert file.data == GOOD


def test_xlsx_bomb_is_refused_before_openpyxl(tmp_path):
    path = _zip(
        tmp_path / "j.xlsx",
        [("[Content_Types].xml", b"<x/>"), ("xl/worksheets/sheet1.xml", b" " * (8 << 20))],
    )
    problems = _problems(grid.read_with_report, path)
    assert problems[0].startswith("j.xlsx, файл «xl/worksheets/sheet1.xml»: степень сжатия")


def test_missing_path(tmp_path):
    assert _problems(grid.read_with_report, tmp_path / "nope.xlsx") == ["nope.xlsx: файл не найден"]


LAUGHS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">
<!ENTITY l1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;">
<!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">
<!ENTITY l4 "&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;">
<!ENTITY l5 "&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;">
<!ENTITY l6 "&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;">
<!ENTITY l7 "&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;">
<!ENTITY l8 "&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&l8;</t></is></c></row></sheetData></worksheet>"""


def test_xml_entity_bomb_in_a_workbook_is_refused(tmp_path):
    """GIVEN a small XLSX whose sheet expands entities a billion-fold WHEN read THEN refused."""
    from openpyxl import Workbook

    Workbook().save(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as src:
        entries = [(i.filename, src.read(i)) for i in src.infolist()]
    entries = [(n, LAUGHS.encode() if n == "xl/worksheets/sheet1.xml" else d) for n, d in entries]
    path = _zip(tmp_path / "lol.xlsx", entries)
    assert path.stat().st_size < 10_000
    (problem,) = _problems(grid.read_with_report, path)
    assert problem.startswith(
        "lol.xlsx: книга Excel повреждена или не XLSX ("
    )  # the XML parser's error
