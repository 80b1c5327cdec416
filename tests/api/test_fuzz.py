"""Fuzz the JSON API with schemathesis against the in-process WSGI app (bounded examples)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from service.accounts.roles import Role
from service.accounts.tokens import issue_token
from service.accounts.users import create_user
from service.jobs.progress import PlannedItem, create_job

# Uploads (Django drops an empty file part) and period ids (checked against the journal).
CONTENT_CHECKED = {
    ("POST", "/api/imports"),
    ("POST", "/api/period-closes"),
    ("POST", "/api/verify"),
}
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
    # Django reads a repeated query parameter as its last value, so "schema-violating" requests
    # such as ?kind=a&kind=b are accepted with a valid value: not a defect of ours.
    excluded = [negative_data_rejection]
    if (case.method.upper(), case.path) in CONTENT_CHECKED:
        # The schema cannot say which uploaded files are journal exports or which period ids
        # exist: a schema-valid request may rightly get 400 there.
        excluded.append(positive_data_acceptance)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=excluded)


def test_openapi_document_is_served_without_auth(db: None) -> None:
    """The OpenAPI description is public and names the bearer scheme."""
    from django.test import Client

    spec = Client().get("/api/openapi.json").json()
    assert spec["info"]["title"] == "Ведомость API"
    assert "TokenAuth" in spec["components"]["securitySchemes"]
    assert "/api/jobs/{job_id}" in spec["paths"]


@pytest.mark.django_db
def test_api_import_close_list_fetch_and_verify(imported_school: object) -> None:
    """Through the API with a token: re-import (unchanged), start a close, poll it, and check
    the archive list and verification answer in the documented shapes."""
    import io

    from django.test import Client

    from tests.fixtures.web import small_school_json

    snapshot = imported_school
    user = create_user("api-dir", snapshot.school.id, [Role.DIRECTOR, Role.JOURNAL_ADMIN])
    headers = {"Authorization": f"Bearer {issue_token(user, 'ci')}"}
    client = Client(headers=headers)
    upload = io.BytesIO(small_school_json().encode())
    upload.name = "school.json"
    imported = client.post("/api/imports", {"file": upload})
    assert imported.status_code == 201 and imported.json()["status"] == "unchanged"
    bad = io.BytesIO(b"{}")
    bad.name = "bad.json"
    refused = client.post("/api/imports", {"file": bad})
    assert refused.status_code == 400 and refused.json()["problems"]
    assert (
        client.post(
            "/api/period-closes", {"period_id": "Q9"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert client.get("/api/documents").json() == []
    junk = io.BytesIO(b"not a pdf")
    junk.name = "x.pdf"
    verdict = client.post("/api/verify", {"file": junk}).json()
    assert verdict["readable"] is False and verdict["valid"] is False
    teacher = create_user("api-t", snapshot.school.id, [Role.TEACHER])
    other = Client(headers={"Authorization": f"Bearer {issue_token(teacher, 't')}"})
    assert other.get("/api/documents").status_code == 403
    assert (
        other.post(
            "/api/period-closes", {"period_id": "Q1"}, content_type="application/json"
        ).status_code
        == 403
    )
