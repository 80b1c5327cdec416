"""Catalog tables of the orders app: template versions, issued documents, the order register,
number formats, consent records and uploaded consent scans.

Schools are referenced by the snapshot's school id (a string); people by their journal ids only.
"""

from __future__ import annotations

from django.db import models


class TemplateVersion(models.Model):
    """One uploaded version of a school's template for a kind; old versions are never deleted."""

    school_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    version = models.PositiveIntegerField()
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(max_length=150, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [  # noqa: RUF012 — Django Meta
            models.UniqueConstraint(
                fields=["school_id", "kind", "version"], name="orders_template_version_uniq"
            ),
        ]
        ordering = ["school_id", "kind", "-version"]  # noqa: RUF012 — Django Meta

    @property
    def label(self) -> str:
        """«intro-journal v3»: how documents name the version that made them."""
        return f"{self.kind} v{self.version}"


class IssuedDocument(models.Model):
    """Every document made from a template, with the template version that made it."""

    document_id = models.CharField(max_length=100, unique=True)
    school_id = models.CharField(max_length=64)
    year_id = models.CharField(max_length=20)
    kind = models.CharField(max_length=40)  # template kind, e.g. "transfer"
    archive_kind = models.CharField(max_length=40)  # e.g. "order-students"
    title = models.CharField(max_length=300)
    number = models.CharField(max_length=40, blank=True)
    date = models.DateField()
    template_version = models.ForeignKey(
        TemplateVersion, null=True, blank=True, on_delete=models.PROTECT
    )
    template_label = models.CharField(
        max_length=80
    )  # "transfer v2" or "transfer (встроенный, 1a2b3c4d)"
    params = models.JSONField(default=dict, blank=True)
    issued_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    docx_sha256 = models.CharField(max_length=64, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)


class NumberFormat(models.Model):
    """A school's number format for a register, e.g. «{seq}/4» or «{seq}-у»."""

    school_id = models.CharField(max_length=64)
    register = models.CharField(max_length=20)
    pattern = models.CharField(max_length=60)

    class Meta:
        constraints = [  # noqa: RUF012 — Django Meta
            models.UniqueConstraint(
                fields=["school_id", "register"], name="orders_number_format_uniq"
            ),
        ]


class RegisterCounter(models.Model):
    """The last number issued in a register (school, year, register); locked when issuing."""

    school_id = models.CharField(max_length=64)
    year_id = models.CharField(max_length=20)
    register = models.CharField(max_length=20)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [  # noqa: RUF012 — Django Meta
            models.UniqueConstraint(
                fields=["school_id", "year_id", "register"], name="orders_counter_uniq"
            ),
        ]


class RegisterEntry(models.Model):
    """A line of the order register (книга регистрации приказов)."""

    school_id = models.CharField(max_length=64)
    year_id = models.CharField(max_length=20)
    register = models.CharField(max_length=20)
    seq = models.PositiveIntegerField()
    number = models.CharField(max_length=40)
    date = models.DateField()
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=40)
    document = models.OneToOneField(
        IssuedDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="register_entry",
    )
    issued_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [  # noqa: RUF012 — Django Meta
            models.UniqueConstraint(
                fields=["school_id", "year_id", "register", "number"],
                name="orders_register_number_uniq",
            ),
            models.UniqueConstraint(
                fields=["school_id", "year_id", "register", "seq"], name="orders_register_seq_uniq"
            ),
        ]
        ordering = ["school_id", "year_id", "register", "seq"]  # noqa: RUF012 — Django Meta


class ConsentRecord(models.Model):
    """A guardian's consent (or application) for a student, with its status and dates."""

    class Status(models.TextChoices):
        GIVEN = "given", "дано"
        REFUSED = "refused", "отказ"
        WITHDRAWN = "withdrawn", "отозвано"
        PENDING = "pending", "не собрано"

    school_id = models.CharField(max_length=64)
    class_id = models.CharField(max_length=20)
    student_id = models.CharField(max_length=64)
    guardian_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=30, default="personal_data")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    given_on = models.DateField(null=True, blank=True)
    refused_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    updated_by = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    refusal_letter = models.ForeignKey(
        IssuedDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [  # noqa: RUF012 — Django Meta
            models.UniqueConstraint(
                fields=["school_id", "student_id", "guardian_id", "kind"],
                name="orders_consent_uniq",
            ),
        ]
        ordering = ["school_id", "class_id", "student_id", "guardian_id"]  # noqa: RUF012 — Django Meta


class ConsentScan(models.Model):
    """The scan of a signed paper consent, converted to PDF/A and kept with the record."""

    consent = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="scans")
    document_id = models.CharField(max_length=100, unique=True)
    source_type = models.CharField(max_length=20)  # "pdf", "jpeg", "png"
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(max_length=150, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    archive_ref = models.CharField(max_length=200, blank=True)  # set when the archive took it


class ConsentChange(models.Model):
    """One change of a consent's status: who, when, from → to, the date on the paper, a comment."""

    consent = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.CharField(max_length=150, blank=True)
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    on = models.DateField(null=True, blank=True)  # the date given / refused / withdrawn
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["consent", "changed_at", "pk"]  # noqa: RUF012 — Django Meta
