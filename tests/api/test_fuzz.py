"""Fuzz the JSON API with schemathesis against the in-process WSGI app (bounded examples)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from service.accounts.roles import Role
from service.accounts.tokens import issue_token
from service.accounts.users import create_user
from service.jobs.progress import PlannedItem, create_job

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def token(db: None) -> Iterator[str]:
    # As Django's test client does: the raw WSGI app must not close the test's connection.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    user = create_user("api-director", "sch-1", [Role.DIRECTOR])
    create_job("sch-1", "period-render", [PlannedItem("doc-1", "документ")])
    yield issue_token(user, "fuzz")
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case, token: str) -> None:
    """Every generated request gets a documented status and a body matching the schema; no 500s."""
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})


def test_openapi_document_is_served_without_auth(db: None) -> None:
    """The OpenAPI description is public and names the bearer scheme."""
    from django.test import Client

    spec = Client().get("/api/openapi.json").json()
    assert spec["info"]["title"] == "Ведомость API"
    assert "TokenAuth" in spec["components"]["securitySchemes"]
    assert "/api/jobs/{job_id}" in spec["paths"]
