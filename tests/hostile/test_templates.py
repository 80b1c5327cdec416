"""Hostile uploaded templates: each trial render fails with a Russian message, within its limits,
and the parent process stays small and responsive."""

from __future__ import annotations

import resource
import time

import pytest

from service.orders.context import ContextRequest, build_context, order_meta
from service.orders.kinds import get_kind
from service.orders.render import CHECK_TIME_LIMIT, docx_text, render_with_time_limit
from service.orders.sample_school import sample_snapshot
from service.orders.sandbox import TemplateRejected, make_env
from service.orders.trial_context import trial_snapshot
from service.orders.versions import check_upload
from tests.orders.test_sandbox import docx_with

POWER = "степень слишком велика"
LONG = "строка или список слишком длинные"
MEMORY = "превышен предел"  # «… памяти: шаблону нужно больше 1 ГБ» or the kernel's kill
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
    ("format-width", "{{ '{:>1500000000}'.format(1) }}", LONG),
    ("format-nested-width", "{{ '{:>{w}}'.format(1, w=1500000000) }}", LONG),
    ("format-map-width", "{{ '{x:^1500000000}'.format_map({'x': 1}) }}", LONG),
    ("percent-width", "{{ '%1500000000s' % 'x' }}", LONG),
    ("percent-star-width", "{{ '%*d' % (1500000000, 1) }}", LONG),
    ("format-filter-width", "{{ '%-1500000000s'|format('x') }}", LONG),
    ("center-width", "{{ 'x'|center(1500000000) }}", LONG),
    ("indent-width", "{{ 'a\nb'|indent(1500000000) }}", LONG),
    ("ljust-method", "{{ 'x'.ljust(1500000000) }}", LONG),
    ("zfill-method", "{{ '1'.zfill(1500000000) }}", LONG),
    (
        "tilde-doubling",
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}{{ ns.s|length }}",
        LONG,
    ),
    (
        # every step under the per-operation bound, 2.7 GB together: the memory limit
        "many-big-strings",
        "{% set ns = namespace(items=[]) %}{% for i in range(3000) %}"
        "{% set ns.items = ns.items + ['x' * 900000 ~ i] %}{% endfor %}{{ ns.items|length }}",
        MEMORY,
    ),
    (
        "nested-loops",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "превышен предел времени",
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
    assert caught.value.user_message().startswith("шаблон отклонён: ")
    assert time.monotonic() - started < 8.0 + 20  # the wall limit, plus starting the child
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


# Cubic in the students of the transfer order: harmless for a few dozen, 10^8 steps for a school.
CUBIC = (
    "{% for a in classes %}{% for s in a.promoted %}"
    "{% for b in classes %}{% for t in b.promoted %}"
    "{% for c in classes %}{% for u in c.promoted %}"
    "{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}Проверено"
)


def test_a_loop_that_explodes_only_with_real_data_is_refused_at_upload() -> None:
    """GIVEN a template whose loops are cubic in the number of students WHEN uploaded THEN the
    trial with the 1,000-student sample hits the time limit and refuses it, though a 60-student
    school renders the same template well within the same limit."""
    kind = get_kind("transfer")
    template = docx_with("Перевод", CUBIC)
    small = sample_snapshot()
    meta = order_meta(small, kind, "t-1", small.as_of, number="1")
    small_context = build_context(ContextRequest(kind, small, meta, kind.sample_params(small)))
    assert "Проверено" in docx_text(
        render_with_time_limit(template, small_context, CHECK_TIME_LIMIT)
    )
    with pytest.raises(TemplateRejected, match="превышен предел времени") as caught:
        check_upload("transfer", template)
    assert caught.value.user_message().startswith("шаблон отклонён: ")
    assert len(trial_snapshot().students) >= 1000
