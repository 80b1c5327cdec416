"""The Vedomost JSON API (OpenAPI at /api/openapi.json): one router per area, one auth for all."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.operation import Operation

from service.api.auth import AUTH
from service.api.routers import accounts, documents, imports, jobs, period_close, verify


class VedomostAPI(NinjaAPI):
    """Operation ids are the view names, so they do not change when a view moves between modules."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__


api = VedomostAPI(
    title="Ведомость API",
    version="1",
    description="Задания, закрытие периода, загрузка журнала, архив и проверка подписи.",
    auth=AUTH,
    urls_namespace="api",
)
for area in (accounts, jobs, imports, period_close, documents, verify):
    api.add_router("", area.router)
