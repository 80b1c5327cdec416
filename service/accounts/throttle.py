"""Login throttling: failures counted per user name and per client address, then a lock.

The user name is keyed as Django authenticates it: NFKC-normalised (``ｓecretary`` is
``secretary``) and case-folded, so look-alike spellings share one counter. The address has a
counter of its own over every name it tries, so guessing across names is throttled too.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.db import transaction
from django.utils import timezone

from service.accounts.models import LoginThrottle

MAX_FAILURES = 5  # per user name and address
MAX_ADDRESS_FAILURES = 20  # per address, whatever the names
WINDOW = dt.timedelta(minutes=15)
LOCK = dt.timedelta(minutes=15)
ANY_NAME = " *"  # the address-wide row: user_key strips spaces, so no name becomes this
_NAME_LENGTH = 150


def user_key(username: str) -> str:
    """The name a failure is counted under: NFKC, case-folded, trimmed, at most 150 characters."""
    folded = unicodedata.normalize("NFKC", username.replace("\x00", "")).casefold().strip()
    return unicodedata.normalize("NFKC", folded)[:_NAME_LENGTH]


def _active(row: LoginThrottle | None, now: dt.datetime) -> dt.datetime | None:
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until


def locked_until(username: str, ip: str) -> dt.datetime | None:
    """When the lock on this user name or address ends, or ``None`` if login is allowed now."""
    now = timezone.now()
    rows = LoginThrottle.objects.filter(username__in=(user_key(username), ANY_NAME), ip=ip)
    locks = [until for row in rows if (until := _active(row, now)) is not None]
    return max(locks) if locks else None


def _count(name: str, ip: str, limit: int, now: dt.datetime) -> None:
    row, _ = LoginThrottle.objects.select_for_update().get_or_create(username=name, ip=ip)
    if row.first_failure_at is None or now - row.first_failure_at > WINDOW:
        row.failures, row.first_failure_at = 0, now
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + LOCK
        row.failures, row.first_failure_at = 0, None
    row.save()


def record_failure(username: str, ip: str) -> None:
    """Count a failure for the name and for the address; reaching a limit locks for ``LOCK``."""
    now = timezone.now()
    with transaction.atomic():
        _count(user_key(username), ip, MAX_FAILURES, now)
        _count(ANY_NAME, ip, MAX_ADDRESS_FAILURES, now)


def record_success(username: str, ip: str) -> None:
    """Forget the failures of this user name from this address (the address count stays)."""
    LoginThrottle.objects.filter(username=user_key(username), ip=ip).delete()


def client_ip(request: object) -> str:
    """The client address as the server sees it (no proxy headers are trusted)."""
    return request.META.get("REMOTE_ADDR", "") or "-"  # type: ignore[attr-defined]
