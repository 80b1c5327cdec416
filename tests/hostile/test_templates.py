"""Hostile uploaded templates: each trial render fails with a Russian message, within its limits,
and the parent process stays small and responsive."""

from __future__ import annotations

import resource
import time

import pytest

from service.orders.render import render_with_time_limit
from service.orders.sandbox import TemplateRejected, make_env
from tests.orders.test_sandbox import docx_with

POWER = "степень слишком велика"
LONG = "строка или список слишком длинные"
MEMORY = "больше 1 ГБ памяти"
CASES = [
    # Jinja's ** is left-associative: 9**9**9 is (9**9)**9, 78 digits, harmless; this is not
    ("power-tower", "{{ 9**9**9**9**9 }}", POWER),
    ("big-power", "{{ 2**100000 }}", POWER),
    ("nested-power", "{{ (9**9)**(9**9) }}", POWER),
    ("float-power", "{{ 9.5 ** 1000000.0 }}", POWER),
    ("repeat-string-1.5gb", "{{ 'x' * 1500000000 }}", LONG),
    ("repeat-chained", "{{ 'x' * 1000 * 1000 * 1000 }}", LONG),
    ("repeat-list", "{{ [1] * 10**9 }}", LONG),
    ("concat-doubling", "{% set s = 'x' * 900000 %}{{ s + s }}", LONG),
    ("format-width", "{{ '{:>1500000000}'.format(1) }}", MEMORY),
    ("center-width", "{{ 'x'|center(1500000000) }}", MEMORY),
    (
        "tilde-doubling",
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}{{ ns.s|length }}",
        MEMORY,
    ),
    (
        "nested-loops",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "дольше",
    ),
]


@pytest.mark.parametrize(("name", "tag", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_hostile_template_is_refused_within_limits(name: str, tag: str, fragment: str) -> None:
    """GIVEN an uploaded template built to exhaust the server WHEN trial-rendered THEN refused in
    Russian, within the wall-time limit, and the parent's memory does not grow with it."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(TemplateRejected) as caught:
        render_with_time_limit(docx_with(tag), {}, 8.0)
    assert fragment in str(caught.value), str(caught.value)
    assert time.monotonic() - started < 60
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 200_000


def test_power_is_not_folded_at_compile_time() -> None:
    """Compiling a power tower returns at once: intercepted operators are never constant-folded."""
    started = time.monotonic()
    make_env().from_string("{{ 9**9**9 }}")
    assert time.monotonic() - started < 5


def test_ordinary_arithmetic_still_works() -> None:
    env = make_env()
    assert env.from_string("{{ 2**10 }} {{ 'ab' * 3 }} {{ 1 + 2 }} {{ [1] + [2] }}").render() == (
        "1024 ababab 3 [1, 2]"
    )
