"""Приказ о назначении ответственных за ведение электронного журнала."""

from __future__ import annotations

from service.orders.context import responsibles
from service.orders.kind import RESPONSIBLE_PARAMS, OrderKind, Register
from service.orders.schema import RESPONSIBLES

KIND = OrderKind(
    id="appoint-responsible",
    kind_title="ПРИКАЗ",
    title="О назначении ответственных за ведение электронного журнала",
    retention="order-main",
    schema=RESPONSIBLES,
    build=responsibles,
    register=Register.MAIN,
    params=RESPONSIBLE_PARAMS,
)
