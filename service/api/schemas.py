"""Request and response bodies of the API."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

DENIED = {"detail": "Недостаточно прав"}
NOT_FOUND = {"detail": "Не найдено"}


class ErrorOut(Schema):
    detail: str


class ProblemOut(Schema):
    file: str
    location: str
    field: str
    message: str


class InvalidInputOut(Schema):
    detail: str
    problems: list[ProblemOut]


class ItemErrorOut(Schema):
    key: str
    label: str
    error: str


class JobOut(Schema):
    id: str
    kind: str
    state: str
    state_label: str
    stage: str
    total: int
    done: int
    failed: int
    percent: int
    finished: bool
    errors: list[ItemErrorOut]
    result: dict[str, Any]
    error: str
    seconds: float | None


class MeOut(Schema):
    username: str
    school_id: str
    roles: list[str]


class JobListQuery(Schema):
    kind: str | None = None
    limit: int = Field(20, ge=1, le=200)


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


def responses(**codes: Any) -> dict[int, Any]:
    """Documented responses of an operation plus the 401 and 422 every operation can give."""
    documented: dict[int, Any] = {int(k.lstrip("_")): v for k, v in codes.items()}
    documented.setdefault(400, ErrorOut)  # e.g. a NUL character in the address
    documented.setdefault(401, ErrorOut)
    documented.setdefault(422, ValidationErrorOut)
    return documented


class ImportOut(Schema):
    snapshot_id: str
    status: str
    school_id: str
    school_name: str
    year: str
    as_of: str
    counts: dict[str, int]
    previous_id: str | None
    changes: str


class CloseIn(Schema):
    period_id: str = Field(..., max_length=20)
    classes: list[str] | None = None


class CloseOut(Schema):
    id: str
    period_id: str
    period_name: str
    state: str
    state_label: str
    documents: int
    render_job: str | None
    sign_job: str | None
    archive_job: str | None


class DocumentOut(Schema):
    document_id: str
    version: int
    kind: str
    class_id: str
    period: str
    year: str
    sha256: str
    size: int
    state: str
    created_at: str
    download_url: str


class DocumentQuery(Schema):
    kind: str | None = Field(None, max_length=64)
    class_id: str | None = Field(None, max_length=100)
    period: str | None = Field(None, max_length=100)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class SignatureOut(Schema):
    valid: bool
    readable: bool
    sha256: str
    report: str
    archived_document_id: str | None
    archived_version: int | None
