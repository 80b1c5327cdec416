"""Приказ о введении электронного классного журнала и электронных дневников."""

from __future__ import annotations

from service.orders.context import responsibles
from service.orders.kind import RESPONSIBLE_PARAMS, OrderKind, Register
from service.orders.schema import RESPONSIBLES

KIND = OrderKind(
    id="intro-journal",
    kind_title="ПРИКАЗ",
    title="О введении электронного классного журнала и электронных дневников",
    retention="order-main",
    schema=RESPONSIBLES,
    build=responsibles,
    register=Register.MAIN,
    params=RESPONSIBLE_PARAMS,
)
