"""Jinja2 filters for Russian text, shared by the HTML documents and the DOCX (docxtpl) orders.

:func:`install_filters` adds them to an environment (the sandboxed one of uploaded templates too:
the filters take plain values and return strings). See ``docs/russian.md`` for examples.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import jinja2

from service.documents.common import ru_long_date
from service.russian import names, numbers, phrases
from service.russian.agreement import by_sex
from service.russian.morph import Case


def _declined(case: Case) -> Callable[..., str]:
    def decline(value: Any, form: str = "full") -> str:
        """A person (full name, ``"short"`` or ``"initials_first"``) or a phrase in the case."""
        if value is None or value == "":
            return ""
        if isinstance(value, str) and not names.looks_like_name(value):
            return phrases.decline_phrase(value, case)
        return _name_form(form)(value, case)

    decline.__name__ = case.value
    return decline


def _name_form(form: str) -> Callable[[Any, Case], str]:
    forms: dict[str, Callable[[Any, Case], str]] = {
        "full": names.full_name,
        "short": names.short_name,
        "initials_first": names.initials_first,
    }
    try:
        return forms[form]
    except KeyError:
        raise ValueError(
            f"неизвестная форма имени «{form}»; известны: {', '.join(forms)}"
        ) from None


def _initials(value: Any, case: str = "nom") -> str:
    """«Дмитриева П. О.» (``|initials``), «Дмитриевой П. О.» (``|initials("dat")``)."""
    return names.short_name(value, case) if value else ""


def _initials_first(value: Any, case: str = "nom") -> str:
    """«П. О. Дмитриева», as under a signature; in a case with an argument."""
    return names.initials_first(value, case) if value else ""


def _decimal(value: Any, digits: int = 1) -> str:
    """«0,7» for ``0.7|decimal(1)``; an empty value stays empty."""
    if value is None or value == "":
        return ""
    return numbers.ru_number(value, digits)


def _percent(value: Any, digits: int = 1) -> str:
    """«5,9 %»."""
    if value is None or value == "":
        return ""
    return numbers.ru_percent(value, digits)


def _plural(value: Any, noun: str, with_number: bool = True) -> str:
    """«3 года» (``3|plural("год")``); only «года» with ``plural("год", false)``."""
    if with_number:
        return numbers.plural(value, noun)
    return numbers.plural_word(value, noun)


def _date_words(value: Any) -> str:
    """«24 ноября 2026 г.» from a date, an ISO string or «24.11.2026»."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        text = value.strip()
        for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                value = dt.datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        else:
            return text
    return ru_long_date(value)


def _upfirst(value: Any) -> str:
    """The first letter upper case, the rest untouched («заместителю директора по УВР» →
    «Заместителю директора по УВР»; Jinja's ``capitalize`` would lower «УВР»)."""
    text = "" if value is None else str(value)
    return text[:1].upper() + text[1:]


FILTERS: dict[str, Callable[..., str]] = {
    **{case.value: _declined(case) for case in Case},
    "initials": _initials,
    "initials_first": _initials_first,
    "by_sex": by_sex,
    "agree": phrases.agree,
    "plural": _plural,
    "decimal": _decimal,
    "percent": _percent,
    "date_words": _date_words,
    "upfirst": _upfirst,
}


EnvT = TypeVar("EnvT", bound=jinja2.Environment)


def install_filters(env: EnvT) -> EnvT:
    """Add the Russian filters to ``env`` and return it; filters already there are kept.

    Keeping existing names lets a renderer keep its own ``long_date`` or ``num`` formats.
    """
    for name, func in FILTERS.items():
        env.filters.setdefault(name, func)
    return env
