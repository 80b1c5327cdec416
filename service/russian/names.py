"""Russian personal names (ФИО): sex, declension by case, initials.

Declension is pytrovich's (the Python port of the petrovich rules for Russian anthroponyms): it
keeps indeclinable surnames (Седых, Дюма, Шевченко; Кох for a woman), declines double surnames
part by part and knows fleeting vowels (Лев → Льва). Turkic patronymics with «оглы»/«кызы» keep
their form; the first name and surname before them decline.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case as PCase
from pytrovich.enums import Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

from service.journal.snapshot import Sex
from service.russian.morph import Case, as_case

_PYTROVICH_CASE = {
    Case.GEN: PCase.GENITIVE,
    Case.DAT: PCase.DATIVE,
    Case.ACC: PCase.ACCUSATIVE,
    Case.INS: PCase.INSTRUMENTAL,
    Case.PRE: PCase.PREPOSITIONAL,
}
# Turkic patronymics: «Гусейн оглы» (son of), «Лутфияр кызы» (daughter of); never declined.
_TURKIC_MALE = ("оглы", "улы", "уулу", "оглу")
_TURKIC_FEMALE = ("кызы", "гызы", "кизи")
_SEX_WORDS = {
    "m": Sex.MALE,
    "male": Sex.MALE,
    "м": Sex.MALE,
    "муж": Sex.MALE,
    "мужской": Sex.MALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "ж": Sex.FEMALE,
    "жен": Sex.FEMALE,
    "женский": Sex.FEMALE,
}
# A guardian's relation tells the sex when the data has no sex field.
_RELATION_SEX = {
    "мать": Sex.FEMALE,
    "отец": Sex.MALE,
    "бабушка": Sex.FEMALE,
    "дедушка": Sex.MALE,
    "тётя": Sex.FEMALE,
    "тетя": Sex.FEMALE,
    "дядя": Sex.MALE,
    "мачеха": Sex.FEMALE,
    "отчим": Sex.MALE,
}


@dataclass(frozen=True, slots=True)
class Name:
    """A person's name in the nominative, and their sex when the data tells it.

    Attributes:
        last: surname (фамилия), possibly double («Римская-Корсакова»).
        first: given name (имя).
        middle: patronymic (отчество), possibly Turkic («Гусейн оглы»); may be empty.
        sex: from the data (a student's sex, a guardian's relation), or ``None`` when unknown.
    """

    last: str
    first: str = ""
    middle: str = ""
    sex: Sex | None = None

    @property
    def full(self) -> str:
        """«Фамилия Имя Отчество»."""
        return " ".join(p for p in (self.last, self.first, self.middle) if p)


def parse_sex(value: Any) -> Sex | None:
    """A sex from «M»/«F», «м»/«ж», «male»/«female», a :class:`Sex`; ``None`` otherwise."""
    if isinstance(value, Sex):
        return value
    if value is None:
        return None
    return _SEX_WORDS.get(str(getattr(value, "value", value)).strip().lower().rstrip("."))


def split_full_name(text: str) -> Name:
    """«Фамилия Имя Отчество» (the Russian order) as a :class:`Name` of unknown sex."""
    words = text.split()
    if not words:
        return Name("")
    return Name(words[0], words[1] if len(words) > 1 else "", " ".join(words[2:]))


def _get(value: Any, key: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(key)
    return getattr(value, key, None)


def as_name(value: Any) -> Name:
    """A :class:`Name` from a template's person (a mapping), a snapshot person, or a string.

    Mappings and objects give ``last_name``/``first_name``/``middle_name`` (or only
    ``full_name``) and ``sex`` or a guardian's ``relation``; a string is «Фамилия Имя Отчество».
    """
    if isinstance(value, Name):
        return value
    if isinstance(value, str):
        return split_full_name(value)
    last = _get(value, "last_name")
    if last:
        name = Name(
            str(last), str(_get(value, "first_name") or ""), str(_get(value, "middle_name") or "")
        )
    else:
        name = split_full_name(str(_get(value, "full_name") or ""))
    sex = parse_sex(_get(value, "sex"))
    if sex is None:
        relation = str(_get(value, "relation") or "").strip().lower()
        sex = _RELATION_SEX.get(relation)
    return Name(name.last, name.first, name.middle, sex)


def _turkic(middle: str) -> Sex | None:
    tail = middle.split()[-1].lower() if middle.split() else ""
    if tail in _TURKIC_MALE:
        return Sex.MALE
    if tail in _TURKIC_FEMALE:
        return Sex.FEMALE
    return None


def sex_from_patronymic(middle: str) -> Sex | None:
    """The sex a patronymic tells: -вич/-ич and «оглы» male, -вна/-чна/-ична and «кызы» female."""
    turkic = _turkic(middle)
    if turkic is not None:
        return turkic
    word = middle.strip().lower()
    if re.search(r"(вич|ич)$", word):
        return Sex.MALE
    if re.search(r"(вна|чна|шна)$", word):
        return Sex.FEMALE
    return None


@cache
def _detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


@cache
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


def resolve_sex(name: Name) -> tuple[Sex, bool]:
    """The sex to decline by, and whether it is known (data or patronymic) rather than guessed.

    Order: the data's sex, the patronymic, then pytrovich's guess from the first name and
    surname; masculine when nothing tells (the grammatical default of Russian documents).
    """
    if name.sex is not None:
        return name.sex, True
    by_patronymic = sex_from_patronymic(name.middle)
    if by_patronymic is not None:
        return by_patronymic, True
    if not (name.first or name.last):
        return Sex.MALE, False  # an empty person (no deputy in the data): nothing to decline
    guess = _detector().detect(firstname=name.first or None, lastname=name.last or None)
    return (Sex.FEMALE if guess is Gender.FEMALE else Sex.MALE), False


def sex_of(value: Any) -> Sex:
    """The sex of a person given as :func:`as_name` accepts (data, patronymic, or a guess)."""
    return resolve_sex(as_name(value))[0]


def _decline_part(part: NamePart, text: str, sex: Sex, case: Case, known: bool) -> str:
    if not text or case is Case.NOM:
        return text
    gender = Gender.FEMALE if sex is Sex.FEMALE else Gender.MALE
    if len(text) > 1 and text.isupper():  # «КОХ АННА»: the rules want the usual capitalisation
        return (
            _maker()
            .make(part, gender, _PYTROVICH_CASE[case], text.title(), known_gender=known)
            .upper()
        )
    return _maker().make(part, gender, _PYTROVICH_CASE[case], text, known_gender=known)


def decline(value: Any, case: str | Case) -> Name:
    """The name in ``case`` (``"gen"``, ``"dat"``…), each part declined for the person's sex."""
    name = as_name(value)
    wanted = as_case(case)
    sex, known = resolve_sex(name)
    if _turkic(name.middle) is not None:
        middle = name.middle
    else:
        middle = _decline_part(NamePart.MIDDLENAME, name.middle, sex, wanted, known)
    return Name(
        _decline_part(NamePart.LASTNAME, name.last, sex, wanted, known),
        _decline_part(NamePart.FIRSTNAME, name.first, sex, wanted, known),
        middle,
        sex,
    )


def _initials(name: Name) -> str:
    return " ".join(f"{p[0]}." for p in (name.first, name.middle) if p)


def full_name(value: Any, case: str | Case = Case.NOM) -> str:
    """«Дмитриевой Полине Олеговне» for ``case="dat"``."""
    return decline(value, case).full


def short_name(value: Any, case: str | Case = Case.NOM) -> str:
    """«Дмитриевой П. О.»: the declined surname and the initials."""
    name = decline(value, case)
    return f"{name.last} {_initials(name)}".strip()


def initials_first(value: Any, case: str | Case = Case.NOM) -> str:
    """«П. О. Дмитриевой»: the initials before the declined surname, as under a signature."""
    name = decline(value, case)
    return f"{_initials(name)} {name.last}".strip()


_NAME_WORD = re.compile(r"^[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)*$")


def looks_like_name(text: str) -> bool:
    """Whether a string reads as «Фамилия Имя Отчество» rather than a phrase («Отдел ЗАГС»).

    Two or three capitalised Cyrillic words with a patronymic-like third word, or a Turkic
    patronymic («Алиев Рашид Гусейн оглы»).
    """
    words = text.split()
    if _turkic(" ".join(words[2:])) is not None and len(words) == 4:
        return all(_NAME_WORD.match(w) for w in words[:3])
    if len(words) != 3 or not all(_NAME_WORD.match(w) for w in words):
        return False
    return sex_from_patronymic(words[2]) is not None
