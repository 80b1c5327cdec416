"""Russian language for documents: names by case and sex, positions, agreement, numbers.

Public functions (see ``docs/russian.md``): :func:`full_name`, :func:`short_name`,
:func:`initials_first`, :func:`decline_phrase`, :func:`by_sex`, :func:`agree`, :func:`plural`,
:func:`ru_number`, :func:`ru_percent`, and :func:`install_filters` for Jinja2 environments.
"""

from service.russian.agreement import by_sex
from service.russian.filters import install_filters
from service.russian.morph import Case
from service.russian.names import (
    Name,
    as_name,
    decline,
    full_name,
    initials_first,
    sex_of,
    short_name,
)
from service.russian.numbers import plural, plural_word, ru_number, ru_percent
from service.russian.phrases import agree, decline_phrase

__all__ = [
    "Case",
    "Name",
    "agree",
    "as_name",
    "by_sex",
    "decline",
    "decline_phrase",
    "full_name",
    "initials_first",
    "install_filters",
    "plural",
    "plural_word",
    "ru_number",
    "ru_percent",
    "sex_of",
    "short_name",
]
