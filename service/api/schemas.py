"""Request and response bodies of the API."""

from __future__ import annotations

from typing import Any

from ninja import Schema


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


class PeriodCloseIn(Schema):
    period_id: str


class PeriodCloseOut(Schema):
    id: str
    period_id: str
    period_name: str
    state: str
    state_label: str
    render_job: JobOut | None
