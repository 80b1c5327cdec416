"""Real renders of uploaded templates: bounded child, Russian message naming the version, no
number taken and no row left by a failed render, no catalog transaction open across a render."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import connection

import service.orders.produce as produce
from service.orders.models import IssuedDocument, RegisterEntry, TemplateVersion
from service.orders.numbering import issue_number
from service.orders.produce import (
    OrderRequest,
    TemplateRenderFailed,
    make_document,
    preview_docx,
)
from service.orders.render import docx_text
from tests.orders.test_sandbox import docx_with

DAY = dt.date(2026, 5, 30)
HANGS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
# Each step stays under the per-operation bound; together they need more than 1 GB.
EATS_MEMORY = (
    "{% set ns = namespace(items=[]) %}{% for i in range(3000) %}"
    "{% set ns.items = ns.items + ['x' * 900000 ~ i] %}{% endfor %}{{ ns.items|length }}"
)


def store_version(school_id: str, body: str, version: int = 1) -> TemplateVersion:
    """A stored version, as if it had passed an older, weaker upload check."""
    content = docx_with("ПРИКАЗ № {{ document.number }}", body)
    return TemplateVersion.objects.create(
        school_id=school_id,
        kind="intro-journal",
        version=version,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def order() -> OrderRequest:
    return OrderRequest("intro-journal", date=DAY, convert=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "limit"),
    [(HANGS, "превышен предел времени"), (EATS_MEMORY, "превышен предел")],
    ids=["loop", "memory"],
)
def test_a_render_over_its_limits_fails_naming_the_version_and_takes_no_number(
    demo_snap, monkeypatch: pytest.MonkeyPatch, body: str, limit: str
) -> None:
    """GIVEN a stored version that hangs or eats memory WHEN an order is made THEN it fails
    with «шаблон «…», версия 2: превышен предел …», no row and no number stay, and the next
    good version takes number 1."""
    monkeypatch.setattr(produce, "RENDER_TIME_LIMIT", 4.0)
    school = demo_snap.school.id
    store_version(school, "{{ school.short_name }}", version=1)
    store_version(school, body, version=2)
    with pytest.raises(TemplateRenderFailed) as caught:
        make_document(demo_snap, order())
    message = str(caught.value)
    assert message.startswith("шаблон «"), message
    assert "», версия 2: " in message and limit in message, message
    assert not IssuedDocument.objects.exists()
    assert not RegisterEntry.objects.exists()
    TemplateVersion.objects.filter(version=2).delete()
    made = make_document(demo_snap, order())
    assert made.number == "1" and "ПРИКАЗ № 1" in docx_text(made.docx)


@pytest.mark.django_db(transaction=True)
def test_no_catalog_transaction_is_open_while_an_uploaded_template_renders(
    demo_snap, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The render runs with the catalog free: no atomic block is open around it."""
    store_version(demo_snap.school.id, "{{ school.short_name }}")
    seen: list[bool] = []
    real = produce.render_with_time_limit

    def watching(*args: object, **kwargs: object) -> bytes:
        seen.append(connection.in_atomic_block)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(produce, "render_with_time_limit", watching)
    made = make_document(demo_snap, order())
    assert seen == [False] and made.number == "1"


@pytest.mark.django_db
def test_a_number_taken_during_the_render_makes_it_render_again(
    demo_snap, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIVEN another order takes number 1 while this one renders THEN this one is rendered
    again and carries number 2 in its text and in the register."""
    school = demo_snap.school.id
    store_version(school, "{{ school.short_name }}")
    real = produce.render_with_time_limit
    calls: list[int] = []

    def racing(*args: object, **kwargs: object) -> bytes:
        calls.append(1)
        if len(calls) == 1:
            issue_number(
                school, demo_snap.year.id, "main", date=DAY, title="Другой", kind="intro-journal"
            )
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(produce, "render_with_time_limit", racing)
    made = make_document(demo_snap, order())
    assert len(calls) == 2
    assert made.number == "2" and "ПРИКАЗ № 2" in docx_text(made.docx)
    numbers = list(RegisterEntry.objects.order_by("seq").values_list("number", "document"))
    assert numbers[0] == ("1", None) and numbers[1][0] == "2" and numbers[1][1] is not None
    assert IssuedDocument.objects.get().number == "2"


@pytest.mark.django_db
def test_a_preview_of_an_uploaded_template_is_bounded_too(
    demo_snap, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The web preview renders the active uploaded version under the same limits."""
    monkeypatch.setattr(produce, "RENDER_TIME_LIMIT", 4.0)
    store_version(demo_snap.school.id, HANGS)
    with pytest.raises(TemplateRenderFailed, match="версия 1: превышен предел времени"):
        preview_docx(demo_snap, order())
    assert not IssuedDocument.objects.exists() and not RegisterEntry.objects.exists()
