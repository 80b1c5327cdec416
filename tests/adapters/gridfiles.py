"""Hand-written grid files for error tests: a header block and a table, as a teacher's export."""

from __future__ import annotations

from pathlib import Path

HEADER = [
    "Электронный журнал — выгрузка отметок",
    "Школа:;МБОУ СОШ № 7",
    "Учебный год:;2024/2025",
    "Класс:;5А",
    "Предмет:;Математика",
    "Учитель:;Белова Нина Петровна",
    "Период:;1 четверть (02.09.2024–25.10.2024)",
    "",
]  # 8 lines: the column header is line 9, the first student line 10


def marks_csv(
    folder: Path,
    rows: list[str],
    head: str = "№;ФИО обучающегося;02.09;05.09;05.09;Итог",
    name: str = "5А-математика.csv",
    header: list[str] | None = None,
    encoding: str = "cp1251",
) -> Path:
    """Write a marks file; ``rows`` are the student lines (line 10 onwards)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    lines = [*(HEADER if header is None else header), head, *rows]
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def filler(n: int) -> list[str]:
    """``n`` valid student lines."""
    names = [
        "Иванов Иван Петрович",
        "Петрова Анна Сергеевна",
        "Сидоров Олег Ильич",
        "Орлова Вера Павловна",
        "Ким Денис Робертович",
        "Зайцева Ольга Игоревна",
    ]
    return [f"{i + 1};{names[i % len(names)]} {chr(0x410 + i)};5;;4/5;4" for i in range(n)]
