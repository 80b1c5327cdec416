"""Login throttling: failures counted per username and IP address in the database, then a lock."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from service.accounts.models import LoginThrottle

MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)
LOCK = dt.timedelta(minutes=15)


def locked_until(username: str, ip: str) -> dt.datetime | None:
    """When the lock on this username and IP ends, or ``None`` if login is allowed now."""
    row = LoginThrottle.objects.filter(username=username.lower(), ip=ip).first()
    if row is None or row.locked_until is None or row.locked_until <= timezone.now():
        return None
    return row.locked_until


def record_failure(username: str, ip: str) -> None:
    """Count a failure; the ``MAX_FAILURES``-th within ``WINDOW`` locks for ``LOCK``."""
    now = timezone.now()
    with transaction.atomic():
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(
            username=username.lower(), ip=ip
        )
        if row.first_failure_at is None or now - row.first_failure_at > WINDOW:
            row.failures, row.first_failure_at = 0, now
        row.failures += 1
        if row.failures >= MAX_FAILURES:
            row.locked_until = now + LOCK
            row.failures, row.first_failure_at = 0, None
        row.save()


def record_success(username: str, ip: str) -> None:
    """Forget the failures of this username and IP."""
    LoginThrottle.objects.filter(username=username.lower(), ip=ip).delete()


def client_ip(request: object) -> str:
    """The client address as the server sees it (no proxy headers are trusted)."""
    return request.META.get("REMOTE_ADDR", "") or "-"  # type: ignore[attr-defined]
