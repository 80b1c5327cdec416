"""Job progress kept in the catalog so the web UI and the API can read it while workers run."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class JobState(models.TextChoices):
    QUEUED = "queued", "в очереди"
    RUNNING = "running", "выполняется"
    DONE = "done", "готово"
    FAILED = "failed", "с ошибками"
    CANCELLED = "cancelled", "отменено"


class ItemState(models.TextChoices):
    PENDING = "pending", "ожидает"
    DONE = "done", "готово"
    FAILED = "failed", "ошибка"


JOB_KIND_LABELS = {
    "period-render": "Формирование документов",
    "period-sign": "Подпись документов",
    "period-archive": "Сдача документов в архив",
}


class Job(models.Model):
    """A background job (e.g. rendering a period's documents) with counts the UI polls."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school_id = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    stage = models.CharField(max_length=40, blank=True, default="")
    total = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    result = models.JSONField(default=dict)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("-created_at",)

    @property
    def kind_label(self) -> str:
        """The job's name as people read it."""
        return JOB_KIND_LABELS.get(self.kind, self.kind)


class JobItem(models.Model):
    """One unit of a job, keyed by document id: a duplicated task finds it done."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=200)
    label = models.CharField(max_length=300, blank=True, default="")
    params = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=ItemState.choices, default=ItemState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    result = models.JSONField(default=dict)
    seconds = models.FloatField(null=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When its task was sent to the broker and not yet finished (the job's window, tasks.py).
    queued_at = models.DateTimeField(null=True, default=None)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("job", "key"), name="job_item_key"),)
        ordering = ("id",)


class TaskTiming(models.Model):
    """How long each task took (recorded by the base task class)."""

    task = models.CharField(max_length=100)
    school_id = models.CharField(max_length=64, blank=True, default="")
    started_at = models.DateTimeField()
    seconds = models.FloatField()
    ok = models.BooleanField()
    worker = models.CharField(max_length=100, blank=True, default="")


class PeriodClose(models.Model):
    """One close (a period, the year…): a state machine planned → rendering → signing → archiving
    → archived (done), or failed / cancelled, with the job of each stage and who runs it."""

    class State(models.TextChoices):
        PLANNED = "planned", "состав определён"
        RENDERING = "rendering", "документы формируются"
        RENDERED = "rendered", "ждут подписи директора"
        SIGNING = "signing", "подписываются"
        SIGNED = "signed", "подписаны, ждут сдачи в архив"
        ARCHIVING = "archiving", "сдаются в архив"
        ARCHIVED = "archived", "сданы в архив"
        FAILED = "failed", "остановлено с ошибкой"
        CANCELLED = "cancelled", "отменено"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school_id = models.CharField(max_length=64, db_index=True)
    snapshot_id = models.CharField(max_length=64)
    period_id = models.CharField(max_length=20)
    period_name = models.CharField(max_length=100)
    close_kind = models.CharField(max_length=20, default="period")
    classes = models.JSONField(null=True, default=None)  # chosen class ids; None: every class
    reason = models.TextField(blank=True, default="")  # why changed documents get a new version
    state = models.CharField(max_length=12, choices=State.choices, default=State.RENDERING)
    stage = models.CharField(max_length=12, blank=True, default="")  # the stage a stop happened in
    error = models.TextField(blank=True, default="")  # why it stopped, in Russian, with what to do
    runner = models.CharField(max_length=120, blank=True, default="")  # "host:pid" running it
    heartbeat_at = models.DateTimeField(null=True)
    render_job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, related_name="+")
    sign_job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, related_name="+")
    archive_job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True)
    archived_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ("-created_at",)


class ScheduledRun(models.Model):
    """One run of a scheduled duty (backup, fixity audit, …) at one due time.

    The unique (task, due) pair is the claim: a second process or Celery worker reaching the same
    due time fails to insert and leaves the run to the first.
    """

    class Outcome(models.TextChoices):
        RUNNING = "running", "выполняется"
        OK = "ok", "выполнено"
        WARNING = "warning", "выполнено, есть замечания"
        FAILED = "failed", "ошибка"

    task = models.CharField(max_length=64)
    due = models.DateTimeField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    summary = models.TextField(blank=True, default="")
    details = models.JSONField(default=dict, blank=True)
    missed = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        constraints = (models.UniqueConstraint(fields=("task", "due"), name="scheduled_run_due"),)
        ordering = ("-due",)


class MonthlyPaperDue(models.Model):
    """A month's substitution log that must be signed by the director on paper.

    Created by the month close when the log does not match the payroll (or no payroll was
    given); it stays due on the dashboard until the scan of the signed page is archived with it,
    or a later close of the month finds the log matching the payroll.
    """

    school_id = models.CharField(max_length=64)
    month = models.CharField(max_length=7)  # "2024-10"
    document_id = models.CharField(max_length=200)  # the archived substitution log
    reason = models.TextField()  # Russian, printed on the dashboard
    differences = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.CharField(max_length=150, blank=True, default="")
    resolution = models.TextField(blank=True, default="")  # how it was cleared, in Russian
    scan_ref = models.CharField(max_length=200, blank=True, default="")  # "id vN (state)"
    scan_sha256 = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("school_id", "month"), name="monthly_paper_due"),
        )
        ordering = ("month",)


class SigningKey(models.Model):
    """Where a person's signing key is: who, the certificate, the key's location (no secrets).

    The close signs a class teacher's field with the key registered for that teacher; a teacher
    signs from «Мой класс» with it, typing the password or PIN there. ``location`` is a signer
    spec as ``vedomost sign`` takes it (``pkcs12:ФАЙЛ`` or ``pkcs11:МОДУЛЬ:ТОКЕН:МЕТКА``).
    """

    school_id = models.CharField(max_length=64)
    staff_id = models.CharField(max_length=64)
    person = models.CharField(max_length=300)  # «Фамилия Имя Отчество» as the journal gives it
    role = models.CharField(max_length=20, default="class_teacher")
    certificate = models.TextField()  # PEM
    location = models.CharField(max_length=1000)
    registered_at = models.DateTimeField(auto_now=True)
    registered_by = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("school_id", "staff_id", "role"), name="signing_key_person"
            ),
        )
