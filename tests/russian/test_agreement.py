"""Words agreeing with a person's sex."""

from __future__ import annotations

import pytest

from service.journal import snapshot as m
from service.russian import by_sex

WOMAN = {"full_name": "Афанасьева Мария Олеговна", "sex": "Ж"}
MAN = {"full_name": "Романов Илья Петрович", "sex": "М"}


@pytest.mark.parametrize(
    ("word", "feminine"),
    [
        ("окончил", "окончила"),
        ("переведён", "переведена"),
        ("прибыл", "прибыла"),
        ("выбыл", "выбыла"),
        ("отказался", "отказалась"),
        ("ответственным", "ответственной"),
        ("обучающийся", "обучающаяся"),
        ("ознакомлен", "ознакомлена"),
        ("уведомлен", "уведомлена"),
        ("проживающий", "проживающая"),
        ("был ознакомлен", "была ознакомлена"),
        ("Зачислен", "Зачислена"),
        ("проживающий(ая)", "проживающая"),
        ("награждён", "награждена"),  # not in the table: pymorphy3
        ("освоивший", "освоившая"),  # not in the table: pymorphy3
    ],
)
def test_by_sex(word: str, feminine: str) -> None:
    assert by_sex(word, WOMAN) == feminine
    masculine = word.replace("(ая)", "")
    assert by_sex(word, MAN) == masculine
    assert by_sex(feminine, MAN) == masculine  # written feminine, a man: back to masculine


def test_by_sex_reads_students_guardians_and_patronymics() -> None:
    student = m.Student("Андреева", "Анна", "Евгеньевна", id="s", sex=m.Sex.FEMALE)
    assert by_sex("прибыл", student) == "прибыла"
    father = m.Guardian("Белых", "Сергей", "", id="g", relation="отец")
    mother = m.Guardian("Белых", "Ольга", "", id="g2", relation="мать")
    assert by_sex("отказался", father) == "отказался"
    assert by_sex("отказался", mother) == "отказалась"
    assert by_sex("назначен", "Наумова Эвелина Романовна") == "назначена"
    assert by_sex("назначен", "F") == "назначена"
    assert by_sex("учитель", WOMAN) == "учитель"  # nouns keep their gender
