"""The order kinds: one module per kind, each declaring one :class:`~service.orders.kind.OrderKind`.

This registry is the one list of order kinds; the command line, numbering, the template generator
and the checks of uploaded templates read it.
"""

from __future__ import annotations

from service.errors import UserError
from service.orders.kind import OrderKind
from service.orders.kinds import (
    application_edelivery,
    appoint_responsible,
    consent_pd,
    intro_journal,
    movement,
    refusal_letter,
    regulation_journal,
    rules_journal,
    transfer,
)

KINDS: dict[str, OrderKind] = {
    module.KIND.id: module.KIND
    for module in (
        intro_journal,
        appoint_responsible,
        transfer,
        movement,
        regulation_journal,
        rules_journal,
        consent_pd,
        application_edelivery,
        refusal_letter,
    )
}


class UnknownOrderKind(UserError, LookupError):
    """No order kind has this name; the message is in Russian and lists the known kinds."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"неизвестный вид шаблона «{name}»; известны: {', '.join(KINDS)}")

    def __str__(self) -> str:
        return str(self.args[0])


def get_kind(name: str) -> OrderKind:
    """The order kind named ``name``.

    Raises:
        UnknownOrderKind: there is no such kind.
    """
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownOrderKind(name) from None


def family_form_kinds() -> list[str]:
    """Kinds printed as one form per family (consent forms, applications)."""
    return [k.id for k in KINDS.values() if k.per_family]
