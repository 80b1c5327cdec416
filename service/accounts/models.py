"""Accounts catalog: school profiles, login throttling, API tokens, access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """Binds a user to one school and, for teaching staff, to their staff id in the journal."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    school_id = models.CharField("школа (id в журнале)", max_length=64, db_index=True)
    staff_id = models.CharField("сотрудник (id в журнале)", max_length=64, blank=True, default="")
    full_name = models.CharField("ФИО", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "профиль"


class LoginThrottle(models.Model):
    """Failed logins per username and IP; ``locked_until`` in the future blocks login."""

    username = models.CharField(max_length=150)
    ip = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("username", "ip"), name="login_throttle_user_ip"),
        )


class ApiToken(models.Model):
    """A bearer token for integrations; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True)
    revoked = models.BooleanField(default=False)


class AppendOnlyError(Exception):
    """An attempt to change or delete an access-log row."""


class AccessEvent(models.Model):
    """Who viewed, printed, signed or downloaded which personal data, and when. Append-only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    username = models.CharField(max_length=150)
    school_id = models.CharField(max_length=64, db_index=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=200)
    detail = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ("-at", "-id")

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnlyError("access events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("access events are append-only")
