"""A workbook as a real e-journal or a teacher saves it: merged cells, floats, Excel dates, NBSP."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from service.journal.adapters import grid
from service.journal.errors import InvalidInput

NBSP = "\u00a0"


def _messy_workbook(path):
    book = Workbook()
    info = book.active
    info.title = "Инструкция"
    info["A1"] = "Выгрузка из электронного журнала. Не редактируйте шапку."
    marks = book.create_sheet("5А Математика")
    marks["A1"] = "ЭЛЕКТРОННЫЙ ЖУРНАЛ"
    marks.merge_cells("A1:H1")
    marks["A2"] = f"Школа: МБОУ{NBSP}«СОШ № 7»"  # key and value in one merged cell
    marks.merge_cells("A2:H2")
    rows = [
        ("Учебный год", "2024/2025"),
        ("Класс:", "5 «А»"),
        ("Предмет", "Математика"),
        ("Учитель:", f"Белова{NBSP}Нина  Петровна"),
        ("Период:", "I четверть"),
    ]
    for r, (key, value) in enumerate(rows, start=3):
        marks.cell(row=r, column=1, value=key)
        marks.cell(row=r, column=3, value=value)  # value in a merged block further right
        marks.merge_cells(start_row=r, start_column=3, end_row=r, end_column=8)
    head = [
        "№",
        "ФИО обучающегося",
        dt.datetime(2024, 9, 2),
        dt.datetime(2024, 9, 4),
        dt.datetime(2024, 9, 4),
        10.1,
        "Ср. балл",
        "Итог",
    ]
    for c, value in enumerate(head, start=1):
        marks.cell(row=9, column=c, value=value)
    data = [
        (1.0, f"Иванов{NBSP}Иван Петрович", 5.0, "О4", None, "Н", 4.5, 5.0),
        (2.0, "Семёнова Алёна Игоревна (выб. 20.10.2024)", "4 5", 3, "5.0", None, 4.25, "4"),
        (3.0, "Ким Денис", None, None, None, None, None, "н/а"),
    ]
    for r, row in enumerate(data, start=10):
        for c, value in enumerate(row, start=1):
            if value is not None:
                marks.cell(row=r, column=c, value=value)
    marks.cell(row=30, column=1, value=None)  # trailing empty rows
    marks.cell(row=14, column=2, value="Средний балл")
    marks.cell(row=10, column=40).value = ""  # trailing empty columns
    topics = book.create_sheet("Темы")
    topics["A1"] = "Темы уроков"
    for r, (key, value) in enumerate(
        [("Учебный год:", "2024/25"), ("Класс:", "5А"), ("Предмет:", "математика")], start=2
    ):
        topics.cell(row=r, column=1, value=key)
        topics.cell(row=r, column=2, value=value)
    for c, value in enumerate(
        ["№ п/п", "Дата урока", "Тема урока", "Д/З", "Вид работы", "Комментарий"], start=1
    ):
        topics.cell(row=6, column=c, value=value)
    topic_rows = [
        (1, dt.datetime(2024, 9, 2), "Натуральные числа", "№ 1–5", "Работа на уроке"),
        (2, "04.09.2024", "Сложение", "№ 12", "Самостоятельная работа"),
        (3, "04.09", "Вычитание", "", "Контрольная работа"),
        (4, "10.09.2024", "Резервный урок", "", "Экскурсия"),
    ]
    for r, row in enumerate(topic_rows, start=7):
        for c, value in enumerate(row, start=1):
            topics.cell(row=r, column=c, value=value)
    book.create_sheet("Лист2")  # Excel's empty default sheet
    roster = book.create_sheet("Список класса")  # a class list: ФИО, but no journal header
    roster.append(["№", "ФИО", "Дата рождения"])
    roster.append([1, "Иванов Иван Петрович", dt.datetime(2013, 3, 1)])
    hidden = book.create_sheet("Служебный")
    hidden["A1"] = "ФИО"
    hidden.sheet_state = "hidden"
    book.save(path)
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    path = _messy_workbook(tmp_path_factory.mktemp("xlsx") / "журнал 5А.xlsx")
    return grid.read_with_report(path)


def test_header_block_from_merged_cells(imported):
    snapshot = imported.snapshot
    assert snapshot.school.full_name == "МБОУ «СОШ № 7»"
    assert snapshot.year.id == "2024/2025"
    assert [c.id for c in snapshot.classes] == ["5А"]
    assert [s.name for s in snapshot.subjects] == ["Математика"]  # «математика» on the topics sheet
    teacher, director = sorted(snapshot.staff, key=lambda s: s.position, reverse=True)
    assert snapshot.director == director
    assert director.full_name == "Директор (не указан)"
    assert (teacher.last_name, teacher.first_name, teacher.middle_name) == (
        "Белова",
        "Нина",
        "Петровна",
    )


def test_float_cells_codes_and_excel_dates(imported):
    snapshot = imported.snapshot
    names = {s.id: s.full_name for s in snapshot.students}
    lessons = {x.id: (x.date, x.number) for x in snapshot.lessons}
    got = sorted((names[m.student_id], *lessons[m.lesson_id], m.value) for m in snapshot.marks)
    assert got == [
        ("Иванов Иван Петрович", dt.date(2024, 9, 2), 1, "5"),
        ("Иванов Иван Петрович", dt.date(2024, 9, 4), 1, "4"),
        ("Семёнова Алёна Игоревна", dt.date(2024, 9, 2), 1, "4"),
        ("Семёнова Алёна Игоревна", dt.date(2024, 9, 2), 1, "5"),
        ("Семёнова Алёна Игоревна", dt.date(2024, 9, 4), 1, "3"),
        ("Семёнова Алёна Игоревна", dt.date(2024, 9, 4), 2, "5"),
    ]
    codes = sorted(
        (names[a.student_id], *lessons[a.lesson_id], str(a.code)) for a in snapshot.attendance
    )
    assert codes == [
        ("Иванов Иван Петрович", dt.date(2024, 9, 4), 1, "О"),
        ("Иванов Иван Петрович", dt.date(2024, 10, 10), 1, "Н"),
    ]  # header 10.1 → «10.10»
    assert {(names[p.student_id], p.period_id, p.value) for p in snapshot.period_marks} == {
        ("Иванов Иван Петрович", "Q1", "5"),
        ("Семёнова Алёна Игоревна", "Q1", "4"),
        ("Ким Денис", "Q1", "н/а"),
    }
    left = next(s for s in snapshot.students if s.last_name == "Семёнова")
    assert left.left_on == dt.date(2024, 10, 20)
    assert str(left.sex) == "F"


def test_topics_sheet_joins_lessons_by_date_and_order(imported):
    lessons = sorted(imported.snapshot.lessons, key=lambda x: (x.date, x.number))
    assert [(x.date.isoformat(), x.topic, x.homework, str(x.work_type)) for x in lessons] == [
        ("2024-09-02", "Натуральные числа", "№ 1–5", "class"),
        ("2024-09-04", "Сложение", "№ 12", "written"),
        ("2024-09-04", "Вычитание", "", "test"),
        ("2024-09-10", "Резервный урок", "", "other"),
        ("2024-10-10", "", "", "class"),
    ]
    marks_of_test = [m for m in imported.snapshot.marks if m.lesson_id == lessons[2].id]
    assert [str(m.work_type) for m in marks_of_test] == ["test"]


def test_unmapped_things_are_warned(imported):
    messages = [str(w) for w in imported.warnings]
    assert (
        "журнал 5А.xlsx, лист «Инструкция»: не найдена строка заголовков таблицы (столбец «ФИО "
        "обучающегося» или «Тема урока») — пропущено" in messages
    )
    assert (
        "журнал 5А.xlsx, лист «Темы», строка 6, столбец «Комментарий»: столбец не "
        "распознан и пропущен" in messages
    )
    assert any("вид работы «Экскурсия» не распознан" in m for m in messages)
    assert any(
        "даты периода «1 четверть» не указаны — приняты обычные границы 01.09.2024–31.10.2024" in m
        for m in messages
    )
    assert (
        "журнал 5А.xlsx: директор не указан ни в одной шапке (строка «Директор:») — в документах "
        "будет «Директор (не указан)»" in messages
    )
    assert (
        "журнал 5А.xlsx, лист «Список класса», строка 1: над таблицей нет шапки журнала (Учебный "
        "год, Класс, Предмет) — лист пропущен" in messages
    )
    assert not any("Служебный" in m or "Лист2" in m for m in messages)  # hidden sheets are not read


def test_same_student_spelled_with_e_and_yo_is_one_student(tmp_path):
    from tests.adapters.gridfiles import HEADER, marks_csv

    marks_csv(tmp_path, ["1;Семёнова Алёна Игоревна;5;;;"], name="a.csv")
    marks_csv(
        tmp_path,
        ["1;Семенова Алена Игоревна;4;;;"],
        name="b.csv",
        header=[h.replace("Математика", "Физика") for h in HEADER],
    )
    snapshot = grid.read(tmp_path)
    assert len(snapshot.students) == 1
    assert len({m.student_id for m in snapshot.marks}) == 1


def test_xlsx_with_errors_names_the_sheet(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "5А Физика"
    for r, line in enumerate(
        [
            "Учебный год:;2024/2025",
            "Класс:;5А",
            "Предмет:;Физика",
            "Школа:;СОШ",
            "Учитель:;Белова Нина Петровна",
            "№;ФИО;05.09",
            "1;Иванов Иван;6.0",
        ],
        start=1,
    ):
        for c, value in enumerate(line.split(";"), start=1):
            sheet.cell(row=r, column=c, value=value)
    book.save(tmp_path / "ж.xlsx")
    with pytest.raises(InvalidInput) as caught:
        grid.read(tmp_path / "ж.xlsx")
    assert (
        str(caught.value)
        == "ж.xlsx, лист «5А Физика», строка 7, столбец «05.09»: отметка «6» вне шкалы 1–5"
    )
