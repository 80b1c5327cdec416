"""Numbers the Russian way: decimal comma, «5,9 %», and nouns agreeing with numbers.

«1 год, 2 года, 5 лет, 11 лет, 21 год, 111 лет»; a fraction takes the genitive singular
(«1,5 часа»). Any noun is agreed by pymorphy3; a few whose counted forms the dictionary gets
wrong («лет», «человек») are in a table.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from service.russian.morph import analyzer, match_case
from service.russian.phrases import find_head, tokens_of

NBSP = "\u00a0"
# one / two–four / five and more, where the dictionary's counted form is not what Russians say.
COUNTED: dict[str, tuple[str, str, str]] = {
    "год": ("год", "года", "лет"),
    "человек": ("человек", "человека", "человек"),
}


def as_number(value: Any) -> float | int:
    """A number from an int, a float, a Decimal or a string («3», «0,7», «1.5»)."""
    if isinstance(value, bool):
        raise ValueError(f"ожидается число, получено «{value}»")
    if isinstance(value, int | float):
        return value
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace(NBSP, "").replace(" ", ""))
    except InvalidOperation:
        raise ValueError(f"ожидается число, получено «{value}»") from None
    return int(number) if number == number.to_integral_value() else float(number)


def ru_number(value: Any, digits: int | None = None) -> str:
    """«0,7» for ``ru_number(0.7, 1)``; integers without decimals; a no-break space groups
    thousands from 10 000 on («12 345»), as Russian typography does.

    Args:
        value: the number (or a numeric string).
        digits: decimals to show; ``None`` shows an integer as it is and a fraction as Python
            prints it. Trailing zeros are kept when ``digits`` is given («2,50»).
    """
    number = as_number(value)
    if digits is None:
        # Ten decimals at most, trailing zeros dropped: 0.1 + 0.2 prints as «0,3».
        text = str(number) if isinstance(number, int) else f"{number:.10f}".rstrip("0").rstrip(".")
    else:
        text = f"{number:.{digits}f}"
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    if len(whole) > 4:
        groups: list[str] = []
        while whole:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = NBSP.join(groups)
    return sign + whole + ("," + frac if frac else "")


def ru_percent(value: Any, digits: int = 1) -> str:
    """«5,9 %» (a no-break space before the sign, ГОСТ 8.417); «100 %» for a whole number."""
    number = as_number(value)
    rounded = round(float(number), digits)
    shown = (
        ru_number(int(rounded), None) if float(rounded).is_integer() else ru_number(rounded, digits)
    )
    return f"{shown}{NBSP}%"


def _plural_index(number: int) -> int:
    """0 for «1 год», 1 for «2 года», 2 for «5 лет»."""
    n = abs(number) % 100
    if 11 <= n <= 14:
        return 2
    last = n % 10
    if last == 1:
        return 0
    if 2 <= last <= 4:
        return 1
    return 2


def _agree_word(word: str, number: float | int) -> str:
    low = word.lower()
    fraction = not float(number).is_integer()
    if low in COUNTED:
        forms = COUNTED[low]
        return match_case(word, forms[1] if fraction else forms[_plural_index(int(number))])
    parses = [p for p in analyzer().parse(low) if p.tag.POS == "NOUN" and "nomn" in p.tag]
    if not parses:
        return word
    p = parses[0]
    if fraction:
        form = p.inflect({"gent", "sing"})
    else:
        form = p.make_agree_with_number(abs(int(number)))
    return match_case(word, form.word) if form is not None else word


def plural_word(value: Any, noun: str) -> str:
    """The noun (or phrase «учебный час») agreeing with ``value``: «года» for 3, «лет» for 5."""
    number = as_number(value)
    tokens = tokens_of(noun)
    head = find_head(tokens)
    if head is None:
        return _agree_word(noun, number)
    tokens[head.index] = _agree_word(tokens[head.index], number)
    fraction = not float(number).is_integer()
    index = 1 if fraction else _plural_index(int(number))
    if index:
        # «2 учебных часа», «5 учебных часов», «1,5 учебного часа».
        grammemes = (
            {"gent", "sing", head.parses[0].tag.gender or "masc"} if fraction else {"gent", "plur"}
        )
        for i, modifier in head.modifiers:
            form = modifier.inflect(grammemes)
            if form is not None:
                tokens[i] = match_case(tokens[i], form.word)
    return "".join(tokens)


def plural(value: Any, noun: str) -> str:
    """«3 года», «21 документ», «1,5 часа»: the number with its agreeing noun."""
    number = as_number(value)
    if isinstance(number, float) and math.isnan(number):
        raise ValueError("ожидается число, получено NaN")
    return f"{ru_number(number)} {plural_word(number, noun)}"
