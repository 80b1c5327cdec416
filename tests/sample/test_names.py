"""Russian names: patronymics from the father's name and surnames in the right gender."""

from __future__ import annotations

import pytest

from service.sample.names import (
    FEMALE_FIRST_NAMES,
    MALE_FIRST_NAMES,
    SURNAMES,
    patronymic,
    surname_for,
)


@pytest.mark.parametrize(
    ("father", "son", "daughter"),
    [
        ("Сергей", "Сергеевич", "Сергеевна"),
        ("Илья", "Ильич", "Ильинична"),
        ("Никита", "Никитич", "Никитична"),
        ("Иван", "Иванович", "Ивановна"),
        ("Юрий", "Юрьевич", "Юрьевна"),
        ("Василий", "Васильевич", "Васильевна"),
        ("Дмитрий", "Дмитриевич", "Дмитриевна"),
        ("Николай", "Николаевич", "Николаевна"),
        ("Лев", "Львович", "Львовна"),
        ("Павел", "Павлович", "Павловна"),
        ("Пётр", "Петрович", "Петровна"),
        ("Михаил", "Михайлович", "Михайловна"),
        ("Игорь", "Игоревич", "Игоревна"),
        ("Кузьма", "Кузьмич", "Кузьминична"),
        ("Георгий", "Георгиевич", "Георгиевна"),
        ("Анатолий", "Анатольевич", "Анатольевна"),
        ("Андрей", "Андреевич", "Андреевна"),
    ],
)
def test_patronymic(father: str, son: str, daughter: str) -> None:
    assert patronymic(father, male=True) == son
    assert patronymic(father, male=False) == daughter


@pytest.mark.parametrize(
    ("male", "female"),
    [
        ("Иванов", "Иванова"),
        ("Соколов", "Соколова"),
        ("Белых", "Белых"),
        ("Никитин", "Никитина"),
        ("Вишневский", "Вишневская"),
        ("Троицкий", "Троицкая"),
        ("Толстой", "Толстая"),
        ("Шевченко", "Шевченко"),
        ("Ковальчук", "Ковальчук"),
        ("Соловьёв", "Соловьёва"),
    ],
)
def test_female_surname(male: str, female: str) -> None:
    assert surname_for(male, male=False) == female
    assert surname_for(male, male=True) == male


def test_every_listed_name_gives_a_patronymic_of_the_right_form() -> None:
    for name in MALE_FIRST_NAMES:
        assert patronymic(name, True).endswith("ич")
        assert patronymic(name, False).endswith(("вна", "чна"))
    assert not set(MALE_FIRST_NAMES) & set(FEMALE_FIRST_NAMES)
    assert len(set(SURNAMES)) == len(SURNAMES)


def test_small_departments_join_related_ones() -> None:
    from service.sample.curriculum import merge_small_departments, position_title

    joined = merge_small_departments(
        {"bio": 9, "chem": 6, "geo": 10, "hist": 20, "pe": 22, "obzr": 4}
    )
    assert joined == {"chem": "bio", "geo": "bio", "obzr": "pe"}
    assert position_title("bio", joined) == "учитель биологии, химии и географии"
    assert position_title("pe", joined) == "учитель физической культуры и ОБЗР"
    assert position_title("hist", joined) == "учитель истории и обществознания"
    assert merge_small_departments({"chem": 20, "bio": 20}) == {}
