"""The one pymorphy3 analyser of the process, and the grammatical cases this package knows."""

from __future__ import annotations

from enum import StrEnum
from functools import cache

import pymorphy3


class Case(StrEnum):
    """The six Russian cases, by the short names templates use (``{{ person|dat }}``)."""

    NOM = "nom"  # именительный: кто?
    GEN = "gen"  # родительный: кого?
    DAT = "dat"  # дательный: кому?
    ACC = "acc"  # винительный: кого?
    INS = "ins"  # творительный: кем?
    PRE = "pre"  # предложный: о ком?


# OpenCorpora grammemes of each case, as pymorphy3 names them.
GRAMMEME: dict[Case, str] = {
    Case.NOM: "nomn",
    Case.GEN: "gent",
    Case.DAT: "datv",
    Case.ACC: "accs",
    Case.INS: "ablt",
    Case.PRE: "loct",
}


def as_case(value: str | Case) -> Case:
    """``Case`` from its short name; :class:`ValueError` in Russian for an unknown one."""
    try:
        return Case(str(value).strip().lower())
    except ValueError:
        known = ", ".join(c.value for c in Case)
        raise ValueError(f"неизвестный падеж «{value}»; известны: {known}") from None


@cache
def analyzer() -> pymorphy3.MorphAnalyzer:
    """The shared analyser: its dictionaries load once per process (about 50 ms)."""
    return pymorphy3.MorphAnalyzer()


def match_case(source: str, word: str) -> str:
    """``word`` written with the capitalisation of ``source`` (pymorphy3 answers in lower case)."""
    if len(source) > 1 and source.isupper():
        return word.upper()
    if source[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
