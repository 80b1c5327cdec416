"""Catalog tables: one row per archived document version, the audit-log chain, state values."""

from __future__ import annotations

from django.db import models


class Entry(models.Model):
    """One version of one archived document and the version ids of its two copies."""

    document_id = models.CharField(max_length=200, db_index=True)
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=64, db_index=True)
    key = models.CharField(max_length=512)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    state = models.CharField(max_length=32, db_index=True)
    version_a = models.CharField(max_length=128, null=True, blank=True)
    version_b = models.CharField(max_length=128, null=True, blank=True)
    school = models.CharField(max_length=100, blank=True, default="", db_index=True)
    year = models.CharField(max_length=20, blank=True, default="", db_index=True)
    class_id = models.CharField(max_length=100, blank=True, default="")
    period = models.CharField(max_length=100, blank=True, default="")
    snapshot_id = models.CharField(max_length=200, blank=True, default="")
    signer = models.CharField(max_length=300, blank=True, default="")
    retain_until = models.DateTimeField(null=True, blank=True)
    lock_mode = models.CharField(max_length=16, null=True, blank=True)
    legal_hold = models.BooleanField(default=False)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True, default="")
    author = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField()
    extra = models.JSONField(default=dict, blank=True)
    retired = models.JSONField(default=list, blank=True)
    # What the PDF's signatures are (storage.signature_scan), read at ingest; "" = not yet read
    # (rows from before the field: the renewal duty reads them lazily).
    signature_level = models.CharField(max_length=8, blank=True, default="", db_index=True)
    timestamp_expires = models.DateTimeField(null=True, blank=True, db_index=True)
    timestamp_hash = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        constraints = [  # noqa: RUF012 - Django Meta
            models.UniqueConstraint(
                fields=["document_id", "version"], name="archive_entry_doc_version"
            ),
        ]
        ordering = ["id"]  # noqa: RUF012


class AuditEvent(models.Model):
    """An append-only audit event carrying the hash of the previous one."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    kind = models.CharField(max_length=32, db_index=True)
    document_id = models.CharField(max_length=200, blank=True, default="", db_index=True)
    entry_id = models.BigIntegerField(null=True, blank=True)
    actor = models.CharField(max_length=300, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]  # noqa: RUF012


class ChainHead(models.Model):
    """The last event's number and hash, kept apart so that a cut-off tail is detected."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)


class StateValue(models.Model):
    """Small named values: the rotating audit cursor, the last audit summary, disposal acts."""

    name = models.CharField(max_length=100, primary_key=True)
    value = models.TextField()
