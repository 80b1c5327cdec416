"""Every order kind is complete: a title, a retention rule, a bundled template and its layout."""

from __future__ import annotations

import importlib

import pytest

from service.orders.kind import OrderKind
from service.orders.kinds import KINDS, UnknownOrderKind, get_kind
from service.orders.render import check_usage, template_source
from service.orders.templates.build import layout
from service.orders.versions import TEMPLATES
from storage.retention import load_schedule

ORDER_KINDS = list(KINDS.values())


@pytest.mark.parametrize("kind", ORDER_KINDS, ids=lambda k: k.id)
def test_kind_has_a_russian_title_and_requisite(kind: OrderKind) -> None:
    assert kind.title.strip() and kind.kind_title.isupper()
    assert any("а" <= c.lower() <= "я" for c in kind.full_title)


@pytest.mark.parametrize("kind", ORDER_KINDS, ids=lambda k: k.id)
def test_kind_has_a_retention_rule_in_the_archivist_schedule(kind: OrderKind) -> None:
    """GIVEN the shipped storage/retention.yaml THEN it has a row for the kind's retention class."""
    rule = load_schedule().rule(kind.retention)
    assert rule.title.strip()


@pytest.mark.parametrize("kind", ORDER_KINDS, ids=lambda k: k.id)
def test_kind_has_a_bundled_template_and_its_layout(kind: OrderKind) -> None:
    """The template is package data, uses only declared variables, and the generator makes it."""
    content = (TEMPLATES / kind.template).read_bytes()
    check_usage(kind, template_source(content))
    assert callable(layout(kind))


@pytest.mark.parametrize("kind", ORDER_KINDS, ids=lambda k: k.id)
def test_kind_is_declared_in_the_module_named_after_it(kind: OrderKind) -> None:
    module = importlib.import_module(f"service.orders.kinds.{kind.module_name}")
    assert module.KIND is kind


def test_unknown_kind_is_a_specific_error_naming_the_known_kinds() -> None:
    with pytest.raises(UnknownOrderKind, match="неизвестный вид шаблона «приказ-1»") as caught:
        get_kind("приказ-1")
    assert "intro-journal" in str(caught.value) and caught.value.name == "приказ-1"


def test_every_kind_is_described_in_the_docs() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "orders.md").read_text(encoding="utf-8")
    for kind in ORDER_KINDS:
        assert f"| `{kind.id}`" in text and f"`{kind.retention}`" in text, kind.id
