"""The Jinja2 filters, in a plain environment, in the orders' sandbox and in the PDF renderer."""

from __future__ import annotations

import datetime as dt

import jinja2
import pytest

from service.orders.sandbox import make_env
from service.russian import install_filters

NBSP = "\u00a0"
POLINA = {
    "full_name": "Дмитриева Полина Олеговна",
    "last_name": "Дмитриева",
    "first_name": "Полина",
    "middle_name": "Олеговна",
    "sex": "Ж",
    "position": "учитель информатики",
}
CONTEXT = {"p": POLINA, "n": 3, "x": 0.7, "day": dt.date(2026, 12, 7)}
CASES = [
    ("{{ p|nom }}", "Дмитриева Полина Олеговна"),
    ("{{ p|gen }}", "Дмитриевой Полины Олеговны"),
    ("{{ p|dat }}", "Дмитриевой Полине Олеговне"),
    ("{{ p|acc }}, {{ p.position|acc }}", "Дмитриеву Полину Олеговну, учителя информатики"),
    ("{{ p|ins }}", "Дмитриевой Полиной Олеговной"),
    ("{{ p|pre }}", "Дмитриевой Полине Олеговне"),
    ('{{ p|dat("short") }}', "Дмитриевой П. О."),
    ('{{ p|gen("initials_first") }}', "П. О. Дмитриевой"),
    ("{{ p|initials }}", "Дмитриева П. О."),
    ('{{ p|initials("dat") }}', "Дмитриевой П. О."),
    ("{{ p|initials_first }}", "П. О. Дмитриева"),
    ("{{ p.full_name|dat }}", "Дмитриевой Полине Олеговне"),  # a ФИО string is a name
    ('Назначить {{ "ответственным"|by_sex(p) }}', "Назначить ответственной"),
    ('{{ "окончил"|by_sex(p) }}', "окончила"),
    ('{{ n|plural("год") }}', "3 года"),
    ('{{ 5|plural("год", false) }}', "лет"),
    ("{{ x|decimal(1) }}", "0,7"),
    ("{{ 5.94|percent }}", f"5,9{NBSP}%"),
    ('{{ "выдан"|agree("свидетельство о рождении") }}', "выдано"),
    ('{{ "заместитель директора по УВР"|dat|upfirst }}', "Заместителю директора по УВР"),
    ("{{ day|date_words }}", "7 декабря 2026 г."),
    ('{{ "07.12.2026"|date_words }}', "7 декабря 2026 г."),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_filters_in_a_plain_environment(source: str, expected: str) -> None:
    env = install_filters(jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined))
    assert env.from_string(source).render(CONTEXT) == expected


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_filters_in_the_orders_sandbox(source: str, expected: str) -> None:
    assert make_env(cached=True).from_string(source).render(CONTEXT) == expected


def test_install_keeps_a_renderer_own_filters() -> None:
    env = jinja2.Environment(autoescape=True)
    env.filters["decimal"] = lambda v: "own"
    install_filters(env)
    assert env.from_string("{{ 1|decimal }}").render() == "own"
    assert env.from_string("{{ 2|plural('документ') }}").render() == "2 документа"


def test_pdf_renderer_environment_has_the_filters() -> None:
    from service.documents.render import _Resources

    env = _Resources().env
    assert env.from_string("{{ p|dat }}").render(p=POLINA) == "Дмитриевой Полине Олеговне"
    assert env.filters["long_date"](dt.date(2026, 12, 7)) == "«07» декабря 2026 г."  # its own kept
