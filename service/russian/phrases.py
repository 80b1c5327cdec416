"""Declension of common-noun phrases: positions («учитель информатики»), bodies («Отдел ЗАГС»).

The head noun and the adjectives or participles before it change case; the tail after the head
(a genitive complement «информатики», «директора по УВР», an abbreviation) stays as written.
A phrase without a recognisable head (an abbreviation first, «и. о. директора») is left as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pymorphy3.analyzer import Parse

from service.russian.morph import GRAMMEME, Case, analyzer, as_case, match_case

_WORD = re.compile(r"^[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*$")
_MODIFIERS = ("ADJF", "PRTF")


@dataclass(frozen=True, slots=True)
class _Head:
    """Where the head is in the token list, its parses (one per hyphen part), its modifiers."""

    index: int
    parses: tuple[Parse, ...]
    modifiers: tuple[tuple[int, Parse], ...]


def _nominative(word: str, pos: tuple[str, ...]) -> Parse | None:
    """The likeliest nominative parse of ``word`` with a part of speech in ``pos``."""
    if not _WORD.match(word) or (len(word) > 1 and word.isupper()):
        return None  # abbreviations (УВР, ЗАГС) are not declined
    for p in analyzer().parse(word):
        if p.tag.POS in pos and "nomn" in p.tag and "Abbr" not in p.tag:
            return p
    return None


def _agrees(modifier: Parse, noun: Parse) -> bool:
    if modifier.tag.number != noun.tag.number:
        return False
    return noun.tag.number == "plur" or modifier.tag.gender in (None, noun.tag.gender)


def _noun(token: str) -> tuple[Parse, ...] | None:
    """Nominative noun parses of each hyphen part («педагог-психолог»), or ``None``."""
    parts = [_nominative(p, ("NOUN",)) for p in token.split("-")]
    if all(parts):
        return tuple(p for p in parts if p is not None)
    return None


def find_head(tokens: list[str]) -> _Head | None:
    """The head noun of a nominative phrase split by :func:`tokens_of`, or ``None``."""
    words = [(i, t) for i, t in enumerate(tokens) if t.strip()]
    modifiers: list[tuple[int, Parse]] = []
    for n, (i, token) in enumerate(words):
        nouns = _noun(token)
        modifier = _nominative(token, _MODIFIERS)
        if modifier is not None and modifiers and not _agrees(modifiers[0][1], modifier):
            modifier = None
        following = _noun(words[n + 1][1]) if n + 1 < len(words) else None
        # «старший воспитатель»: «старший» is also a noun, but an agreeing noun follows it.
        if modifier is not None and following and _agrees(modifier, following[0]):
            modifiers.append((i, modifier))
            continue
        if nouns and (not modifiers or all(_agrees(m, nouns[0]) for _, m in modifiers)):
            return _Head(i, nouns, tuple(modifiers))
        if modifier is not None:
            modifiers.append((i, modifier))
            continue
        break
    if modifiers:  # a substantivised adjective or participle: «заведующий библиотекой»
        last_i, last = modifiers[-1]
        return _Head(last_i, (last,), tuple(modifiers[:-1]))
    return None


def tokens_of(text: str) -> list[str]:
    """Words and the whitespace between them (kept so the phrase is rebuilt as written)."""
    return [t for t in re.split(r"(\s+)", text) if t]


def _inflect(p: Parse, grammemes: set[str], source: str) -> str:
    for attempt in (grammemes, grammemes - {"anim", "inan"}):
        form = p.inflect(attempt)
        if form is not None:
            return match_case(source, form.word)
    return source


def decline_phrase(text: str, case: str | Case) -> str:
    """«учитель информатики» → «учителю информатики» for ``case="dat"``.

    Parts joined by commas are declined each («учитель информатики, администратор электронного
    журнала» → «учителю информатики, администратору электронного журнала»).
    """
    wanted = as_case(case)
    if wanted is Case.NOM or not text.strip():
        return text
    return "".join(
        part if part in (",", ";") else _decline_one(part, wanted)
        for part in re.split(r"([,;])", text)
    )


@lru_cache(maxsize=4096)  # positions and bodies repeat on every page of a class's forms
def _decline_one(text: str, wanted: Case) -> str:
    tokens = tokens_of(text)
    head = find_head(tokens)
    if head is None:
        return text
    grammeme = GRAMMEME[wanted]
    noun = head.parses[0]
    number = noun.tag.number or "sing"
    parts = head.parses
    sources = tokens[head.index].split("-")
    tokens[head.index] = "-".join(
        _inflect(p, {grammeme, number}, src) for p, src in zip(parts, sources, strict=True)
    )
    for i, modifier in head.modifiers:
        grammemes = {grammeme, number}
        if number == "sing" and noun.tag.gender:
            grammemes.add(noun.tag.gender)
        if wanted is Case.ACC and noun.tag.animacy:
            grammemes.add(noun.tag.animacy)
        tokens[i] = _inflect(modifier, grammemes, tokens[i])
    return "".join(tokens)


def agree(word: str, phrase: str) -> str:
    """``word`` (a past participle or adjective) in the gender and number of the phrase's head.

    «выдан» with «свидетельство о рождении» → «выдано»; with «справка» → «выдана».
    """
    head = find_head(tokens_of(phrase))
    if head is None:
        return word
    noun = head.parses[0]
    grammemes = {"plur"} if noun.tag.number == "plur" else {noun.tag.gender or "masc", "sing"}
    for p in analyzer().parse(word):
        if p.tag.POS in ("PRTS", "ADJS", "PRTF", "ADJF", "VERB"):
            keep = {g for g in ("nomn",) if g in p.tag} if p.tag.POS in _MODIFIERS else set()
            form = p.inflect(grammemes | keep)
            if form is not None:
                return match_case(word, form.word)
    return word
