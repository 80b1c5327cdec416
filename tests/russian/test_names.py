"""Names declined by case and sex: hand-checked forms of names no generator made."""

from __future__ import annotations

import pytest

from service.journal import snapshot as m
from service.russian import Name, full_name, initials_first, sex_of, short_name

F, M = m.Sex.FEMALE, m.Sex.MALE


@pytest.mark.parametrize(
    ("last", "first", "middle", "sex", "case", "expected"),
    [
        # indeclinable for a woman, declined for a man
        ("Кох", "Роберт", "Иванович", M, "gen", "Коха Роберта Ивановича"),
        ("Кох", "Анна", "Петровна", F, "gen", "Кох Анны Петровны"),
        ("Кох", "Анна", "Петровна", F, "dat", "Кох Анне Петровне"),
        ("Ткач", "Анна", "Петровна", F, "ins", "Ткач Анной Петровной"),
        ("Ткач", "Иван", "Петрович", M, "ins", "Ткачем Иваном Петровичем"),
        # -ых/-их never decline
        ("Седых", "Мария", "Ивановна", F, "dat", "Седых Марии Ивановне"),
        ("Белых", "Сергей", "Павлович", M, "ins", "Белых Сергеем Павловичем"),
        ("Белых", "Алёна", "Сергеевна", F, "gen", "Белых Алёны Сергеевны"),
        # -а after a vowel, -ко
        ("Дюма", "Александр", "", M, "dat", "Дюма Александру"),
        ("Шевченко", "Ольга", "Тарасовна", F, "gen", "Шевченко Ольги Тарасовны"),
        ("Шевченко", "Тарас", "Григорьевич", M, "dat", "Шевченко Тарасу Григорьевичу"),
        # double surnames: each part
        (
            "Салтыков-Щедрин",
            "Михаил",
            "Евграфович",
            M,
            "gen",
            "Салтыкова-Щедрина Михаила Евграфовича",
        ),
        (
            "Салтыков-Щедрин",
            "Михаил",
            "Евграфович",
            M,
            "ins",
            "Салтыковым-Щедриным Михаилом Евграфовичем",
        ),
        (
            "Римская-Корсакова",
            "Надежда",
            "Николаевна",
            F,
            "acc",
            "Римскую-Корсакову Надежду Николаевну",
        ),
        (
            "Римская-Корсакова",
            "Надежда",
            "Николаевна",
            F,
            "dat",
            "Римской-Корсаковой Надежде Николаевне",
        ),
        # fleeting vowels
        ("Толстой", "Лев", "Николаевич", M, "gen", "Толстого Льва Николаевича"),
        ("Толстой", "Лев", "Николаевич", M, "ins", "Толстым Львом Николаевичем"),
        ("Иванов", "Павел", "Петрович", M, "dat", "Иванову Павлу Петровичу"),
        # Turkic patronymics stay, the rest declines
        ("Алиев", "Рашид", "Гусейн оглы", M, "dat", "Алиеву Рашиду Гусейн оглы"),
        ("Алиева", "Арзу", "Лутфияр кызы", F, "gen", "Алиевой Арзу Лутфияр кызы"),
        # foreign first names
        ("Дюпон", "Жан", "", M, "gen", "Дюпона Жана"),
        ("Дюпон", "Мария-Луиза", "", F, "dat", "Дюпон Марии-Луизе"),
        # feminine -ая/-ова/-ина, masculine -ий/-ой
        ("Толстая", "Софья", "Андреевна", F, "ins", "Толстой Софьей Андреевной"),
        ("Дмитриева", "Полина", "Олеговна", F, "acc", "Дмитриеву Полину Олеговну"),
        ("Наумова", "Эвелина", "Романовна", F, "dat", "Наумовой Эвелине Романовне"),
        ("Пушкина", "Наталья", "Николаевна", F, "pre", "Пушкиной Наталье Николаевне"),
        ("Достоевский", "Фёдор", "Михайлович", M, "dat", "Достоевскому Фёдору Михайловичу"),
        ("Горький", "Максим", "", M, "gen", "Горького Максима"),
        ("Цой", "Виктор", "Робертович", M, "gen", "Цоя Виктора Робертовича"),
        ("Лебедь", "Анна", "Ивановна", F, "dat", "Лебедь Анне Ивановне"),
        ("Белых", "Алёна", "Сергеевна", F, "nom", "Белых Алёна Сергеевна"),
    ],
)
def test_full_name_in_case(
    last: str, first: str, middle: str, sex: m.Sex, case: str, expected: str
) -> None:
    assert full_name(Name(last, first, middle, sex), case) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Кох Анна Петровна", F),  # patronymic -вна, whatever the surname
        ("Кох Роберт Иванович", M),
        ("Алиев Рашид Гусейн оглы", M),
        ("Алиева Арзу Лутфияр кызы", F),
        ("Шевченко Ольга", F),  # no patronymic: the first name tells
        ("Дюпон Жан", M),
        ("Седых Никита Ильич", M),  # -а first name of a man, the patronymic wins
    ],
)
def test_sex_from_patronymic_or_first_name(text: str, expected: m.Sex) -> None:
    assert sex_of(text) is expected


def test_sex_from_the_data_wins_over_the_guess() -> None:
    """GIVEN an androgynous first name and no patronymic THEN the data's sex decides."""
    girl = {"last_name": "Шевченко", "first_name": "Женя", "middle_name": "", "sex": "Ж"}
    boy = {**girl, "sex": "М"}
    assert full_name(girl, "gen") == "Шевченко Жени"
    assert full_name(boy, "dat") == "Шевченко Жене"
    assert full_name({"full_name": "Кох Мария", "relation": "мать"}, "gen") == "Кох Марии"
    student = m.Student("Седых", "Саша", "", id="s1", sex=m.Sex.FEMALE)
    assert full_name(student, "ins") == "Седых Сашей"


def test_short_forms_and_capitals() -> None:
    assert short_name("Дмитриева Полина Олеговна", "dat") == "Дмитриевой П. О."
    assert initials_first("Дмитриева Полина Олеговна", "ins") == "П. О. Дмитриевой"
    assert short_name("Алиев Рашид Гусейн оглы", "gen") == "Алиева Р. Г."
    assert initials_first("Белых Алёна Сергеевна") == "А. С. Белых"
    assert full_name("КОХ АННА ПЕТРОВНА", "gen") == "КОХ АННЫ ПЕТРОВНЫ"


def test_unknown_case_is_a_russian_error() -> None:
    with pytest.raises(ValueError, match="неизвестный падеж «dative»"):
        full_name("Иванов Иван", "dative")


def test_an_empty_person_gives_empty_text() -> None:
    """GIVEN a school with no deputy in the data THEN the template prints nothing, not an error."""
    empty = {"full_name": "", "last_name": "", "first_name": "", "middle_name": "", "sex": ""}
    assert full_name(empty, "dat") == "" and short_name(empty, "gen") == ""
