"""Заявление о предоставлении сведений об успеваемости в электронной форме, one per family."""

from __future__ import annotations

from typing import Any

from service.orders.context import ContextRequest, family_forms
from service.orders.kind import FAMILY_FORM_PARAMS, OrderKind, Param
from service.orders.kinds.consent_pd import sample_params
from service.orders.schema import FORM

SCHEMA = {"forms": [FORM], "service_name": None}


def build(req: ContextRequest) -> dict[str, Any]:
    """The forms and the name of the service (``service_name``)."""
    return {
        "forms": family_forms(req),
        "service_name": req.params.get("service_name", "электронный дневник обучающегося"),
    }


KIND = OrderKind(
    id="application-edelivery",
    kind_title="ЗАЯВЛЕНИЕ",
    title="о предоставлении информации об успеваемости в электронной форме",
    retention="application-edelivery",
    schema=SCHEMA,
    build=build,
    signers=(),
    per_family=True,
    sample_params=sample_params,
    params=(
        *FAMILY_FORM_PARAMS,
        Param(
            "service_name",
            "Название сервиса",
            help="Если не указано — «электронный дневник обучающегося».",
        ),
    ),
)
