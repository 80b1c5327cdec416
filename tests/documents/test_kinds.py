"""Every document kind is declared once, completely: the registry's consistency checks."""

from __future__ import annotations

import pkgutil
import re

import pytest

import service.documents.kinds as kinds_package
from service.documents.kind import PERIOD_END
from service.documents.kinds import KINDS, MODULES, get_kind, labels
from service.documents.render import TEMPLATES
from storage.retention import load_schedule

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def test_every_module_under_kinds_declares_the_kind_it_is_named_after():
    names = {m.name for m in pkgutil.iter_modules(kinds_package.__path__)}
    assert names == {m.__name__.rsplit(".", 1)[-1] for m in MODULES}
    for module in MODULES:
        assert module.__name__.rsplit(".", 1)[-1] == module.KIND.id.replace("-", "_")
        assert module.KIND.module_name == module.__name__.rsplit(".", 1)[-1]


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=list(KINDS))
def test_a_kind_has_a_retention_rule_template_and_russian_title(kind):
    schedule = load_schedule()  # the default schedule shipped in storage/
    assert schedule.rule(kind.retention_class).title
    assert (TEMPLATES / kind.template).is_file(), f"нет шаблона {kind.template}"
    for text in (kind.title, kind.label):
        assert CYRILLIC.search(text) and not re.search(r"[A-Za-z]", text), text
    assert kind.signers and set(kind.signers) <= {"director", "class_teacher"}
    assert not set(kind.required) & set(kind.optional)


def test_labels_and_lookup_come_from_the_descriptors():
    assert labels()["medal-sheet"] == get_kind("medal-sheet").label
    assert len(set(labels().values())) == len(KINDS)


def test_every_kind_of_the_period_end_set_says_how_to_plan_it():
    in_set = [k for k in KINDS.values() if PERIOD_END in k.sets]
    assert {k.id for k in in_set} >= {"journal-printout", "period-summary", "control-report"}
    assert all(k.plan is not None for k in in_set)
