"""Login throttling, API tokens and the append-only access log."""

from __future__ import annotations

import pytest

from service.accounts import throttle
from service.accounts.access_log import Access, record_access
from service.accounts.models import AccessEvent, AppendOnlyError
from service.accounts.roles import Role
from service.accounts.tokens import issue_token, user_for_token
from service.accounts.users import create_user


@pytest.mark.django_db
def test_fifth_failure_locks_that_username_and_ip_only() -> None:
    """GIVEN four failures WHEN the fifth comes THEN the pair is locked, another IP is not."""
    for _ in range(4):
        throttle.record_failure("Director", "10.0.0.1")
        assert throttle.locked_until("director", "10.0.0.1") is None
    throttle.record_failure("director", "10.0.0.1")
    assert throttle.locked_until("director", "10.0.0.1") is not None
    assert throttle.locked_until("director", "10.0.0.2") is None
    throttle.record_success("director", "10.0.0.1")
    assert throttle.locked_until("director", "10.0.0.1") is None


@pytest.mark.django_db
def test_token_round_trip_and_revocation() -> None:
    """An issued token finds its user; a revoked or made-up one does not; a digest is stored."""
    user = create_user("api", "s1", [Role.JOURNAL_ADMIN])
    token = issue_token(user, "интеграция")
    assert user_for_token(token) == user
    assert user_for_token(token + "x") is None
    assert user_for_token("nonsense") is None
    row = user.api_tokens.get()
    assert token not in (row.digest, row.prefix)
    row.revoked = True
    row.save()
    assert user_for_token(token) is None


@pytest.mark.django_db
def test_access_log_is_append_only() -> None:
    """A recorded access cannot be changed or deleted through the model."""
    user = create_user("ct", "s1", [Role.CLASS_TEACHER])
    record_access(user, Access.PRINT, "statement", "student:42")
    event = AccessEvent.objects.get()
    assert (event.username, event.school_id, event.action, event.object_id) == (
        "ct",
        "s1",
        "print",
        "student:42",
    )
    event.detail = "edited"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
