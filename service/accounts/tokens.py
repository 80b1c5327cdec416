"""API tokens: shown once in clear text, stored as SHA-256, looked up by digest."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from service.accounts.models import ApiToken

PREFIX = "vdm_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: object, name: str) -> str:
    """Create a token for ``user`` and return it; it cannot be shown again."""
    token = PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=token[:12], digest=_digest(token))
    return token


def user_for_token(token: str) -> object | None:
    """The active user of a valid, unrevoked token, or ``None``."""
    if not token.startswith(PREFIX):
        return None
    row = (
        ApiToken.objects.select_related("user", "user__profile")
        .filter(digest=_digest(token), revoked=False)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
