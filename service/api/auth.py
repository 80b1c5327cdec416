"""API authentication: bearer tokens for integrations, or the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from service.accounts.tokens import user_for_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer vdm_…``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user  # type: ignore[assignment]
        return user


AUTH = [TokenAuth(), SessionAuth()]
