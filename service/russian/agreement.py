"""Gender agreement with a person: «окончил» → «окончила» for a woman.

Words templates use are in an explicit table (checked by hand); any other masculine past verb,
short participle, adjective or participle is put into the feminine by pymorphy3 (same case and
number). Template authors write the masculine form; «проживающий(ая)» style is accepted too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from service.journal.snapshot import Sex
from service.russian.morph import analyzer, match_case
from service.russian.names import sex_of

# Masculine → feminine, for the words the bundled templates use.
FEMININE: dict[str, str] = {
    "окончил": "окончила",
    "переведён": "переведена",
    "переведен": "переведена",
    "прибыл": "прибыла",
    "выбыл": "выбыла",
    "отказался": "отказалась",
    "ответственный": "ответственная",
    "ответственным": "ответственной",
    "ответственного": "ответственную",
    "обучающийся": "обучающаяся",
    "обучающегося": "обучающейся",
    "обучающемуся": "обучающейся",
    "ознакомлен": "ознакомлена",
    "уведомлен": "уведомлена",
    "проживающий": "проживающая",
    "проживающего": "проживающей",
    "зачислен": "зачислена",
    "отчислен": "отчислена",
    "оставлен": "оставлена",
    "назначен": "назначена",
    "согласен": "согласна",
    "являющийся": "являющаяся",
    "был": "была",
    "должен": "должна",
}
MASCULINE: dict[str, str] = {v: k for k, v in FEMININE.items() if k != "переведен"}

_PARENS = re.compile(r"\([^)]*\)")
_GENDERED = ("VERB", "PRTS", "ADJS", "ADJF", "PRTF")


def _feminine(word: str) -> str:
    low = word.lower()
    if low in FEMININE:
        return FEMININE[low]
    if low in MASCULINE:
        return low
    for p in analyzer().parse(low):
        if p.tag.POS in _GENDERED and p.tag.gender == "masc" and p.tag.number == "sing":
            form = p.inflect({"femn"})
            if form is not None:
                return str(form.word)
    return low


def _masculine(word: str) -> str:
    low = word.lower()
    if low in MASCULINE:
        return MASCULINE[low]
    if low in FEMININE:
        return low
    for p in analyzer().parse(low):
        if p.tag.POS in _GENDERED and p.tag.gender == "femn" and p.tag.number == "sing":
            form = p.inflect({"masc"})
            if form is not None:
                return str(form.word)
    return low


@lru_cache(maxsize=4096)
def for_sex(words: str, sex: Sex) -> str:
    """``words`` in the gender of ``sex``; nouns and words without gender are left as they are."""
    text = _PARENS.sub("", words)
    change = _feminine if sex is Sex.FEMALE else _masculine
    out = []
    for token in re.split(r"(\s+)", text):
        if token.strip() and re.fullmatch(r"[А-Яа-яЁё]+", token):
            out.append(match_case(token, change(token)))
        else:
            out.append(token)
    return "".join(out)


def by_sex(words: str, person: Any) -> str:
    """``words`` agreeing with ``person`` (a template person, a snapshot person, a sex or a name).

    ``by_sex("окончил", student)`` is «окончила» for a girl, «окончил» for a boy.
    """
    from service.russian.names import parse_sex

    sex = parse_sex(person)
    return for_sex(words, sex if sex is not None else sex_of(person))
