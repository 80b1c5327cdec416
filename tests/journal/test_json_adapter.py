"""The JSON adapter and the registry: detection, gzip, and Russian problems with pointers."""

from __future__ import annotations

import gzip
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from service.journal.adapters import adapter, detect_format, read_snapshot
from service.journal.canonical import snapshot_to_dict
from service.journal.errors import InvalidInput
from tests.journal.factories import tiny_snapshot


def document() -> dict[str, Any]:
    return snapshot_to_dict(tiny_snapshot())


def problems_of(path: Path) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        read_snapshot(path)
    return [str(p) for p in info.value.problems]


def write(tmp_path: Path, data: Any, name: str = "school.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_reads_json_and_json_gz(tmp_path: Path) -> None:
    plain = write(tmp_path, document())
    packed = tmp_path / "school.json.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert read_snapshot(plain) == tiny_snapshot()
    assert read_snapshot(packed) == tiny_snapshot()
    assert detect_format(packed) == "json"


def test_detects_formats(tmp_path: Path) -> None:
    (tmp_path / "roster").mkdir()
    (tmp_path / "roster" / "manifest.csv").write_text("propertyName,value\n")
    (tmp_path / "grids").mkdir()
    (tmp_path / "grids" / "5А-математика.csv").write_text("x;y\n")
    with zipfile.ZipFile(tmp_path / "roster.zip", "w") as archive:
        archive.writestr("manifest.csv", "propertyName,value\n")
    (tmp_path / "export.dat").write_text(' \n{"format": "vedomost-journal"}')
    assert detect_format(tmp_path / "roster") == "oneroster"
    assert detect_format(tmp_path / "grids") == "grid"
    assert detect_format(tmp_path / "roster.zip") == "oneroster"
    assert detect_format(tmp_path / "export.dat") == "json"


def test_unknown_format_name_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        adapter("excel97")
    assert "неизвестный формат «excel97»" in str(info.value)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.json", b"", "empty.json: файл пуст"),
        ("blank.json", b"  \n ", "blank.json: файл пуст"),
        (
            "broken.json",
            b'{"format": "vedomost-journal",\n "version": }',
            "broken.json, строка 2, позиция 13: это не JSON: ожидалось значение",
        ),
        (
            "school.json.gz",
            b'{"format": "vedomost-journal"}',
            "school.json.gz: файл назван .gz, но не сжат gzip",
        ),
        (
            "packed.json",
            gzip.compress(b"{}"),
            "packed.json: файл сжат gzip, но назван не .gz; переименуйте его в .json.gz",
        ),
        (
            "cp1251.json",
            '{"source": "Журнал"}'.encode("cp1251"),
            "cp1251.json, строка 1: файл не в кодировке UTF-8",
        ),
        ("list.json", b"[1, 2]", "list.json, /: ожидался объект JSON с полями журнала"),
        (
            "cut.json.gz",
            gzip.compress(b'{"a": 1}' * 100)[:30],
            "cut.json.gz: файл gzip повреждён или обрезан",
        ),
    ],
)
def test_bad_files(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert problems_of(path) == [expected]


def test_not_a_vedomost_document(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, {"hello": "world"}, "other.json"))
    assert "other.json, /, поле «format»: обязательное поле отсутствует" in problems
    assert "other.json, /, поле «hello»: неизвестное поле «hello»" in problems


Mutation = Callable[[dict[str, Any]], object]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["marks"][1].update(value="6"),
            "school.json, /marks/1, поле «value»: отметка «6» вне шкалы 1–5",
        ),
        (
            lambda d: d["attendance"][0].update(code="N"),
            "school.json, /attendance/0, поле «code»: неизвестный код посещаемости «N»; "
            "допустимы: Н, Б, У, О",
        ),
        (
            lambda d: d["period_marks"][0].update(value="отл"),
            "school.json, /period_marks/0, поле «value»: отметка за период «отл» недопустима; "
            "допустимы: 5, 4, 3, 2, 1, зач, незач, осв, н/а, безотм",
        ),
        (
            lambda d: d["lessons"][2].update(date="12.09.2024"),
            "school.json, /lessons/2, поле «date»: "
            "дата должна быть в виде ГГГГ-ММ-ДД и существовать: «12.09.2024»",
        ),
        (
            lambda d: d["lessons"][2].update(date="2024-02-30"),
            "school.json, /lessons/2, поле «date»: несуществующая дата «2024-02-30»",
        ),
        (
            lambda d: d["students"][0].pop("last_name"),
            "school.json, /students/0, поле «last_name»: обязательное поле отсутствует",
        ),
        (
            lambda d: d["lessons"][0].update(number="1"),
            "school.json, /lessons/0, поле «number»: "
            'значение должно быть числом 1, а не строкой "1"',
        ),
        (
            lambda d: d["lessons"][0].update(number="один"),
            "school.json, /lessons/0, поле «number»: ожидалось: целое число; получено: строка",
        ),
        (
            lambda d: d.update(version=2),
            "school.json, /, поле «version»: версия формата 2 не поддерживается; поддерживается 1",
        ),
        # content checks, after the schema passed
        (
            lambda d: d["marks"][2].update(student_id="s-404"),
            "school.json, /marks/2, поле «student_id»: неизвестный ученик «s-404»",
        ),
        (
            lambda d: d["marks"][0].update(lesson_id="l-404"),
            "school.json, /marks/0, поле «lesson_id»: неизвестный урок «l-404»",
        ),
        (
            lambda d: d["lessons"][1].update(date="2025-07-01"),
            "school.json, /lessons/1, поле «date»: "
            "дата урока 01.07.2025 вне учебного года 2024/2025 (01.09.2024–31.05.2025)",
        ),
        (
            lambda d: d["students"].append(dict(d["students"][0])),
            "school.json, /students/3, поле «id»: повторяется id «s-1» (впервые: /students/0)",
        ),
        (
            lambda d: d["attendance"].append(dict(d["attendance"][0])),
            "school.json, /attendance/2: повторяется отметка посещаемости для урока и ученика "
            "«l-2 / s-1» (впервые: /attendance/0)",
        ),
        (
            lambda d: d["lessons"][0].update(group_id="6Б-1"),
            "school.json, /lessons/0, поле «group_id»: группа «6Б-1» не найдена в классе «5А»",
        ),
        (
            lambda d: d["period_marks"][0].update(period_id="Q9"),
            "school.json, /period_marks/0, поле «period_id»: неизвестный период «Q9»",
        ),
        (
            lambda d: d["year"]["periods"][1].update(start="2024-10-20"),
            "school.json, /year/periods/1, поле «start»: период пересекается с периодом «Q1»",
        ),
        (
            lambda d: d["school"].update(director_id="t-404"),
            "school.json, /school, поле «director_id»: "
            "директор «t-404» не найден среди сотрудников (staff)",
        ),
    ],
)
def test_invalid_content_gives_russian_problem_with_pointer(
    tmp_path: Path, mutate: Mutation, expected: str
) -> None:
    data = document()
    mutate(data)
    assert problems_of(write(tmp_path, data)) == [expected]


def test_all_problems_are_collected_up_to_the_limit(tmp_path: Path) -> None:
    data = document()
    base = data["marks"][0]
    data["marks"] = [dict(base, id=f"mk-{i}", value="9") for i in range(250)]
    with pytest.raises(InvalidInput) as info:
        read_snapshot(write(tmp_path, data))
    assert len(info.value.problems) == 200 and info.value.truncated
    assert "показаны первые 200 ошибок" in info.value.summary()
    assert info.value.problems[199].location == "/marks/199"


def test_several_content_problems_in_one_report(tmp_path: Path) -> None:
    data = document()
    data["marks"][0]["student_id"] = "x-1"
    data["consents"][1]["guardian_id"] = "g-9"
    data["substitutions"][0]["substitute_id"] = "t-9"
    problems = problems_of(write(tmp_path, data))
    assert len(problems) == 3
    assert any("неизвестный родитель «g-9»" in p for p in problems)
    assert any("неизвестный заменяющий учитель «t-9»" in p for p in problems)


def test_gzip_bomb_is_refused_at_the_size_cap(tmp_path: Path) -> None:
    from service.journal.adapters.json_format import read_bytes

    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b" " * (3 << 20)))  # 3 MB of spaces, a few KB packed
    assert bomb.stat().st_size < 10_000
    with pytest.raises(InvalidInput) as info:
        read_bytes(bomb, limit=1 << 20)
    assert str(info.value.problems[0]) == (
        "bomb.json.gz: файл слишком велик: больше 1 МБ после распаковки"
    )


def test_a_folder_given_as_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "export").mkdir()
    with pytest.raises(InvalidInput, match="export: это папка, а не файл JSON"):
        read_snapshot(tmp_path / "export", "json")
