"""The close engine shared by ``vedomost close``, ``vedomost demo`` and the web wizard.

A close is a state machine persisted in the catalog (``PeriodClose``):
planned → rendering → rendered → signing → signed → archiving → archived (done), and from any
running state to ``failed`` (with the stage it stopped in and what to do) or ``cancelled``.
Each item of each stage is a ``JobItem`` keyed by its document: a repeated run finds it done.

Contracts:
- ``open_close`` finds the unfinished close of the same school, snapshot, target and classes
  (so running again continues it) or creates a new one; an empty selection is refused.
- ``run_close`` drives a close to its end in this process (CLI, demo): render in worker
  processes, sign with one unlocked key, archive; it returns the closing report. It can be
  interrupted at any point (Ctrl-C, kill -9) and run again without duplicating a document.
- ``cancel_close`` stops a close between items; ``retry_close`` continues a failed or cancelled
  one from its stage; ``check_stale`` marks a close whose runner died as failed, with a retry.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from service.jobs import progress
from service.jobs.close_plan import CloseProblem, CloseTarget, plan_target
from service.jobs.models import ItemState, JobItem, JobState, PeriodClose
from service.jobs.period_close import ClosingReport, advance, closing_report, start_close
from service.jobs.tasks import in_process

RUNNING = (
    PeriodClose.State.RENDERING,
    PeriodClose.State.SIGNING,
    PeriodClose.State.ARCHIVING,
)
FINISHED = (PeriodClose.State.ARCHIVED,)
Progress = Callable[[str, int, int], object]  # (stage label, done, total)

STAGE_LABELS = {
    "rendering": "Формирование",
    "signing": "Подпись",
    "archiving": "Сдача в архив",
}


def stale_after() -> timedelta:
    """How long a running close may show no progress before it counts as interrupted."""
    return timedelta(seconds=float(getattr(settings, "CLOSE_STALE_SECONDS", 300)))


def runner_id() -> str:
    """``host:pid`` of this process."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def _runner_alive(runner: str) -> bool | None:
    """True/False when the runner is a process of this host, None when it is not known here."""
    host, _, pid = runner.rpartition(":")
    if not runner or host != socket.gethostname()[:100] or not pid.isdigit():
        return None
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def current_job(close: PeriodClose) -> Any:
    """The job of the close's running (or stopped) stage."""
    stage = close.state if close.state in RUNNING else close.stage
    return {
        "rendering": close.render_job,
        "signing": close.sign_job,
        "archiving": close.archive_job,
    }.get(stage)


def open_close(
    user: Any,
    snapshot: Any,
    target: CloseTarget,
    classes: set[str] | None = None,
    *,
    reason: str = "",
    start: bool = False,
) -> tuple[PeriodClose, bool]:
    """The unfinished close of this selection (resumed) or a new one; ``(close, resumed)``."""
    planned = plan_target(snapshot, target, classes)
    chosen = sorted(classes) if classes is not None else None
    for close in PeriodClose.objects.filter(
        school_id=snapshot.school.id,
        snapshot_id=snapshot.snapshot_id,
        close_kind=target.kind,
        period_id=target.period_id,
    ).exclude(state__in=FINISHED):
        if close.classes == chosen:
            check_stale(close)
            if reason and reason != close.reason:
                PeriodClose.objects.filter(pk=close.pk).update(reason=reason)
                close.reason = reason
            return close, True
    close = start_close(
        user,
        snapshot,
        target.period_id,
        planned,
        start=start,
        classes=chosen,
        reason=reason,
        close_kind=target.kind,
        period_name=target.name,
    )
    _own(close, inprocess=not start or in_process())
    return close, False


def _own(close: PeriodClose, *, inprocess: bool) -> None:
    """Record who runs the close's stage: this process, or workers elsewhere ("")."""
    close.runner = runner_id() if inprocess else ""
    close.heartbeat_at = timezone.now()
    PeriodClose.objects.filter(pk=close.pk).update(
        runner=close.runner, heartbeat_at=close.heartbeat_at
    )


def check_stale(close: PeriodClose) -> PeriodClose:
    """Mark a running close whose runner is gone (a restart, a killed worker) as failed."""
    close = advance(close)
    if close.state not in RUNNING:
        return close
    alive = _runner_alive(close.runner)
    if alive is None:  # run by workers elsewhere: judge by the last sign of progress
        job = current_job(close)
        last = close.heartbeat_at or close.created_at
        if job is not None:
            items = JobItem.objects.filter(job=job).order_by("-updated_at").first()
            for moment in (job.started_at, items.updated_at if items else None):
                if moment and moment > last:
                    last = moment
        alive = timezone.now() - last < stale_after()
    if alive:
        return close
    stage = close.state
    job = current_job(close)
    if job is not None and job.state not in (JobState.DONE, JobState.CANCELLED):
        progress.finish(str(job.id), error="")
    PeriodClose.objects.filter(pk=close.pk, state=stage).update(
        state=PeriodClose.State.FAILED,
        stage=stage,
        error=(
            f"Закрытие прервалось на этапе «{STAGE_LABELS[stage]}»: сервер перезапускался или "
            "обработчик заданий остановился. Готовые документы сохранены; нажмите «Повторить», "
            "чтобы доделать остальные."
        ),
    )
    close.refresh_from_db()
    return close


def cancel_close(close: PeriodClose) -> PeriodClose:
    """Cancel a close at any step: items not started are skipped; it can be continued later."""
    with transaction.atomic():
        close = PeriodClose.objects.select_for_update().get(pk=close.pk)
        if close.state in FINISHED or close.state == PeriodClose.State.CANCELLED:
            return close
        stage = close.state if close.state in RUNNING else close.stage
        for job in (close.render_job, close.sign_job, close.archive_job):
            if job is not None:
                progress.cancel(str(job.id))
        close.state = PeriodClose.State.CANCELLED
        close.stage = stage or close.state
        close.error = "Закрытие отменено. Готовые документы сохранены; его можно продолжить."
        close.save(update_fields=["state", "stage", "error"])
    return close


def _stage_to_resume(close: PeriodClose) -> str:
    """Where a stopped close goes on: the first stage whose job is missing or unfinished."""
    for stage, job in (
        ("rendering", close.render_job),
        ("signing", close.sign_job),
        ("archiving", close.archive_job),
    ):
        if job is None or job.state != JobState.DONE:
            if stage == "signing" and job is None:
                return "rendered"
            return stage
    return "archived"


def retry_close(close: PeriodClose, user: Any = None, *, start: bool = True) -> PeriodClose:
    """Continue a failed or cancelled close from its stage (failed items are tried again).

    Rendering and archiving restart their jobs (queued unless ``start`` is false); signing goes
    back to «ждут подписи»: the key must be unlocked again by the director.
    """
    from service.jobs.tasks import start_job

    close = check_stale(close)
    if close.state not in (PeriodClose.State.FAILED, PeriodClose.State.CANCELLED):
        return close
    stage = _stage_to_resume(close)
    if stage == "rendering":
        job = close.render_job
        progress.reset_failed(str(job.id))
        with transaction.atomic():
            PeriodClose.objects.filter(pk=close.pk).update(state=stage, stage=stage, error="")
            _own(close, inprocess=not start or in_process())
            if start:
                transaction.on_commit(lambda: start_job(job))
    elif stage in ("signing", "rendered"):
        PeriodClose.objects.filter(pk=close.pk).update(
            state=PeriodClose.State.RENDERED, stage="", error=""
        )
    elif stage == "archiving":
        from service.jobs.period_sign import prepare_archive_job

        PeriodClose.objects.filter(pk=close.pk).update(state=PeriodClose.State.SIGNED)
        close = prepare_archive_job(close, user, inprocess=not start or in_process())
        if start:
            start_job(close.archive_job)
    else:
        PeriodClose.objects.filter(pk=close.pk).update(state=PeriodClose.State.ARCHIVED, error="")
    close.refresh_from_db()
    return close


def _beat(close: PeriodClose) -> None:
    PeriodClose.objects.filter(pk=close.pk).update(heartbeat_at=timezone.now(), runner=runner_id())


def run_close(
    close: PeriodClose,
    signer: Any,
    user: Any = None,
    *,
    workers: int = 1,
    on_progress: Progress | None = None,
    confirm_signer: str = "",
    teacher_keys: Any = None,
) -> ClosingReport:
    """Drive a close to its end in this process: render → sign → archive; the closing report.

    Stops with a failed close (see its ``error``) when some item of a stage failed, or when
    documents wait for a class teacher whose key is not in ``teacher_keys``
    (:class:`~service.jobs.teacher_sign.TeacherKeys`; the demo key brings the demo teachers').
    ``confirm_signer``: the reason to sign with a key of someone other than the named director.
    """
    from service.jobs.period_sign import start_archiving, start_signing
    from service.jobs.tasks import run_inline

    close = PeriodClose.objects.get(pk=close.pk)
    if (
        close.state in RUNNING
        and close.runner != runner_id()
        and _runner_alive(close.runner) is not False
        and check_stale(close).state in RUNNING
    ):
        raise CloseProblem(
            f"Закрытие «{close.period_name}» сейчас выполняется (этап «"
            f"{STAGE_LABELS[close.state]}»). Дождитесь его окончания или отмените его."
        )
    close = PeriodClose.objects.get(pk=close.pk)
    if close.state in (PeriodClose.State.FAILED, PeriodClose.State.CANCELLED):
        close = retry_close(close, user, start=False)
    elif close.state in RUNNING and _runner_alive(close.runner) is False:
        close = retry_close(check_stale(close), user, start=False)

    def report(stage: str) -> Callable[..., None]:
        field = {"rendering": "render_job_id", "signing": "sign_job_id"}.get(
            stage, "archive_job_id"
        )

        def tick(*_counts: int) -> None:
            _beat(close)
            job_id = PeriodClose.objects.filter(pk=close.pk).values_list(field, flat=True).first()
            if on_progress is not None and job_id is not None:
                status = progress.status(str(job_id))
                on_progress(stage, status.done + status.failed, status.total)

        return tick

    if close.state in (PeriodClose.State.RENDERING, PeriodClose.State.PLANNED):
        job = close.render_job
        progress.reset_failed(str(job.id))
        PeriodClose.objects.filter(pk=close.pk).update(state="rendering", error="")
        _beat(close)
        tick = report("rendering")
        tick(0, 0)
        run_inline(job, workers=workers, on_item=tick)
        close = advance(PeriodClose.objects.get(pk=close.pk))
    if close.state == PeriodClose.State.RENDERED or (
        close.state == PeriodClose.State.SIGNING and close.sign_job is not None
    ):
        _beat(close)
        start_signing(
            close,
            signer,
            user,
            inline=True,
            on_item=report("signing"),
            on_archive_item=report("archiving"),
            confirm_signer=confirm_signer,
            teacher_keys=teacher_keys,
        )
        close = advance(PeriodClose.objects.get(pk=close.pk))
    if close.state in (PeriodClose.State.SIGNED, PeriodClose.State.ARCHIVING):
        _beat(close)
        start_archiving(close, user, inline=True, on_item=report("archiving"))
        close = advance(PeriodClose.objects.get(pk=close.pk))
    return closing_report(close)


@dataclass(frozen=True)
class Overlap:
    """Classes of the selection already closed and archived for the same target."""

    classes: tuple[str, ...]
    archived_at: Any


def overlap(snapshot: Any, target: CloseTarget, classes: set[str] | None) -> Overlap | None:
    """Whether part of this selection was archived by an earlier close of the same target."""
    earlier = PeriodClose.objects.filter(
        school_id=snapshot.school.id,
        close_kind=target.kind,
        period_id=target.period_id,
        state=PeriodClose.State.ARCHIVED,
    ).order_by("-archived_at")
    every = {c.id for c in snapshot.classes} | {"—"}
    chosen = classes if classes is not None else every
    found: set[str] = set()
    when = None
    for close in earlier:
        closed = set(close.classes) if close.classes is not None else every
        common = chosen & closed
        if common:
            found |= common
            when = when or close.archived_at
    if not found:
        return None
    return Overlap(tuple(sorted(found)), when)


def items_of(close: PeriodClose) -> list[JobItem]:
    """Every item of every stage of a close (for error lists)."""
    jobs = [j for j in (close.render_job, close.sign_job, close.archive_job) if j is not None]
    return list(JobItem.objects.filter(job__in=jobs, state=ItemState.FAILED))


__all__ = [
    "CloseProblem",
    "CloseTarget",
    "cancel_close",
    "check_stale",
    "open_close",
    "overlap",
    "retry_close",
    "run_close",
]
