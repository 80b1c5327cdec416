"""Bad grid input is refused with every problem named by file, line and column, in Russian."""

from __future__ import annotations

import pytest

from service.journal.adapters import grid
from service.journal.errors import InvalidInput
from tests.adapters.gridfiles import HEADER, filler, marks_csv


def _problems(path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        grid.read(path)
    return [str(p) for p in caught.value.problems]


def test_mark_out_of_scale_names_file_line_and_column(tmp_path):
    """GIVEN a mark «6» on line 14 under 05.09 WHEN imported THEN exactly that place is named."""
    rows = [*filler(4), "5;Кузнецов Артём Сергеевич;6;;5;4"]
    marks_csv(tmp_path, rows, head="№;ФИО обучающегося;02.09;12.09;05.09;Итог")
    rows = [*filler(4), "5;Кузнецов Артём Сергеевич;5;6;5;4"]
    marks_csv(tmp_path, rows, head="№;ФИО обучающегося;02.09;12.09;05.09;Итог")
    assert _problems(tmp_path) == [
        "5А-математика.csv, строка 14, столбец «12.09»: отметка «6» вне шкалы 1–5"
    ]


def test_all_problems_are_collected(tmp_path):
    rows = [
        "1;Иванов Иван Петрович;Х;;5;4",  # unknown attendance code
        "2;;5;4;;",  # marks without ФИО
        "3;Петрова;5;;;4",  # only a surname
        "4;Сидоров Олег Ильич;5+;;;6",  # unreadable cell and a bad period mark
        "5;Орлова Вера Павловна;НБ;;;зачёт",  # two codes in one cell; «зачёт» is fine
        "6;Иванов Иван Петрович;;;;4",  # the same ФИО twice
        "",
        ";Средний балл;4,5;;;",
    ]
    marks_csv(tmp_path, rows)
    assert _problems(tmp_path) == [
        "5А-математика.csv, строка 10, столбец «02.09»: неизвестный код посещаемости «Х» "
        "(допустимы Н, Б, У, О)",
        "5А-математика.csv, строка 11, столбец «ФИО обучающегося»: строка с отметками без ФИО "
        "обучающегося",
        "5А-математика.csv, строка 12, столбец «ФИО обучающегося»: ФИО должно содержать хотя бы "
        "фамилию и имя",
        "5А-математика.csv, строка 13, столбец «02.09»: не удалось прочитать «5+»: ожидаются "
        "отметки "
        "1–5 и коды посещаемости Н, Б, У, О",
        "5А-математика.csv, строка 13, столбец «Итог»: отметка за период «6» недопустима "
        "(допустимы 5, 4, 3, 2, 1, зач, незач, осв, н/а, безотм)",
        "5А-математика.csv, строка 14, столбец «02.09»: в ячейке «НБ» больше одного кода "
        "посещаемости",
        "5А-математика.csv, строка 15, столбец «ФИО обучающегося»: ФИО повторяет строку 10 "
        "этого листа",
    ]


def test_date_outside_the_school_year_is_refused(tmp_path):
    marks_csv(
        tmp_path, ["1;Иванов Иван Петрович;5;4;5"], head="№;ФИО обучающегося;02.09;01.09.2025;Итог"
    )
    assert _problems(tmp_path) == [
        "5А-математика.csv, строка 9, столбец «01.09.2025»: дата 01.09.2025 вне учебного года "
        "2024/2025"
    ]


def test_missing_header_fields_are_named(tmp_path):
    header = [line for line in HEADER if not line.startswith(("Класс", "Учитель"))]
    marks_csv(tmp_path, filler(1), header=header)
    assert _problems(tmp_path) == [
        "5А-математика.csv: в шапке не указано «Класс»",
        "5А-математика.csv: в шапке не указано «Учитель»",
    ]


def test_bad_year_and_class_in_header(tmp_path):
    header = [line.replace("2024/2025", "2024/2026").replace("5А", "пятый") for line in HEADER]
    marks_csv(tmp_path, filler(1), header=header)
    assert _problems(tmp_path) == [
        "5А-математика.csv, строка 3: учебный год «2024/2026»: второй год должен следовать за "
        "первым"
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("5А-математика.csv", b"", "файл пуст"),
        ("5А-математика.csv", b"\xef\xbb\xbf\r\n", "файл пуст"),
        ("5А-математика.csv", bytes(range(256)) * 20, "файл двоичный, а не текстовый CSV"),
        (
            "5А-математика.csv",
            b"PK\x03\x04" + b"\x00" * 40,
            "это не CSV, а ZIP-архив или книга Excel (XLSX) — проверьте расширение файла",
        ),
        (
            "журнал.xlsx",
            "Школа;МБОУ СОШ № 7\r\n".encode("cp1251"),
            "файл не является книгой Excel (XLSX): внутри не ZIP-контейнер",
        ),
        ("журнал.xlsx", b"", "файл пуст"),
        (
            "журнал.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "формат XLS (Excel 97–2003) не поддерживается — сохраните книгу как XLSX или CSV",
        ),
        (
            "журнал.xlsx",
            b"PK\x03\x04 broken zip",
            "книга Excel повреждена и не читается (BadZipFile)",
        ),
    ],
)
def test_files_that_are_not_what_they_claim(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    assert _problems(tmp_path / name) == [f"{name}: {message}"]


def test_table_without_column_header_row(tmp_path):
    marks_csv(
        tmp_path, ["1;Иванов Иван;5"], head="№;Ученик ФИО?;02.09".replace("Ученик ФИО?", "Имя")
    )
    assert _problems(tmp_path) == [
        "5А-математика.csv: не найдена строка заголовков таблицы (столбец «ФИО обучающегося» "
        "или «Тема урока»)"
    ]


def test_nothing_half_read_on_error(tmp_path):
    """A valid file next to a bad one: the import fails as a whole."""
    marks_csv(tmp_path, filler(3), name="5А-математика.csv")
    marks_csv(
        tmp_path,
        ["1;Иванов Иван Петрович;7;;;"],
        name="5А-физика.csv",
        header=[h.replace("Математика", "Физика") for h in HEADER],
    )
    assert _problems(tmp_path) == [
        "5А-физика.csv, строка 10, столбец «02.09»: отметка «7» вне шкалы 1–5"
    ]


def test_a_note_beside_the_tables_is_skipped(tmp_path):
    marks_csv(tmp_path, filler(2))
    (tmp_path / "readme.txt").write_text("Выгрузка за 1 четверть, проверила Белова Н. П.")
    (tmp_path / "Thumbs.db").write_bytes(b"\0\1")
    result = grid.read_with_report(tmp_path)
    assert len(result.snapshot.students) == 2
    messages = [str(w) for w in result.warnings]
    assert "Thumbs.db: файл пропущен: ожидаются таблицы XLSX или CSV" in messages
    assert any(m.startswith("readme.txt: не найдена строка заголовков") for m in messages)
