"""Signing a close's documents: one key unlock, in the process where the director gave the password.

The password or PIN never goes through the broker or the database: the key is unlocked here and
the batch is signed in a thread of this process, with progress in the ``period-sign`` job.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from service.config import school_time_zone, signer_p12, stamp_font
from service.errors import UserError
from service.jobs import progress, work_files
from service.jobs.models import ItemState, JobItem, PeriodClose
from service.jobs.period_close import advance
from service.jobs.teacher_sign import TeacherKeys, teacher_step

log = logging.getLogger(__name__)


class WrongKeyPassword(UserError):
    """The signing key could not be unlocked with the given password or PIN."""


def signer_key_path(snapshot: Any = None) -> Path:
    """The director's PKCS#12: ``VEDOMOST_SIGNER_P12`` or the demo key in the data directory
    (issued in the name of the director of ``snapshot`` when one is given)."""
    explicit = signer_p12()
    if explicit is not None:
        return explicit
    from signing.demo_pki import ensure_demo_pki

    director = snapshot.director.full_name if snapshot is not None and snapshot.director else None
    return ensure_demo_pki(Path(settings.DATA_DIR) / "keys", director=director).director_p12


def unlock_signer(password: str, snapshot: Any = None) -> Any:
    """Open the director's key once; raise :class:`WrongKeyPassword` if it does not open."""
    from signing.signers import load_pkcs12

    try:
        return load_pkcs12(signer_key_path(snapshot), password.encode())
    except Exception as exc:  # the library raises different errors for a bad password or file
        raise WrongKeyPassword("Ключ подписи не открылся: неверный пароль или PIN") from exc


def sign_documents(
    prepared: Any,
    job_id: str,
    close_id: str,
    on_item: Callable[..., object] | None = None,
    teacher_keys: TeacherKeys | None = None,
    snapshot: Any = None,
) -> None:
    """Sign every pending item of the sign job (rendered → [class teacher →] director → signed),
    recording each outcome; a document whose class teacher's key is missing waits."""
    from signing.pades import sign_with

    for item in JobItem.objects.filter(job_id=job_id).exclude(state=ItemState.DONE):
        if progress.is_cancelled(job_id):
            return
        started = time.perf_counter()
        try:
            pdf = work_files.read(close_id, work_files.RENDERED, item.key)
        except work_files.WorkStoreDown as exc:
            progress.item_failed(item, str(exc))
            continue
        if pdf is None:
            progress.item_failed(
                item, "Нет сформированного файла: сформируйте документ снова («Повторить»)."
            )
            continue
        try:
            to_sign = teacher_step(item, pdf, close_id, teacher_keys, snapshot)
            if to_sign is None:
                continue  # waits for its class teacher
            signed = sign_with(prepared, to_sign)
            work_files.put(close_id, work_files.SIGNED, item.key, signed)
        except Exception:
            log.exception("signing %s failed", item.key)
            progress.item_failed(
                item,
                "Документ не подписался: проверьте, что ключ не истёк "
                "и токен подключён, и нажмите «Повторить».",
            )
            continue
        progress.item_done(
            item, {**item.params, "signed_bytes": len(signed)}, time.perf_counter() - started
        )
        if on_item is not None:
            on_item()


def items_to_sign(close: PeriodClose) -> list[JobItem]:
    """Rendered documents whose content is not already in the archive (drafted orders wait for
    the director on the orders page)."""
    done = JobItem.objects.filter(job=close.render_job, state=ItemState.DONE)
    return [i for i in done if not i.result.get("unchanged") and not i.result.get("draft")]


SIGNABLE = (
    PeriodClose.State.RENDERED,
    PeriodClose.State.SIGNING,
    PeriodClose.State.FAILED,
    PeriodClose.State.CANCELLED,
)


def prepare_sign_job(close: PeriodClose, user: Any) -> PeriodClose:
    """Create the sign job, or resume it: items signed before stay signed, failed ones retry."""
    from service.jobs.progress import PlannedItem, create_job

    with transaction.atomic():
        close = PeriodClose.objects.select_for_update().get(pk=close.pk)
        if close.state not in SIGNABLE or close.render_job is None:
            raise ValueError("документы не готовы к подписи")
        planned = [
            PlannedItem(i.result["document_id"], i.label, i.result) for i in items_to_sign(close)
        ]
        if close.sign_job is None:
            job = create_job(
                close.school_id,
                "period-sign",
                planned,
                params={"close_id": str(close.id)},
                user=user,
            )
        else:
            job = close.sign_job
            have = set(JobItem.objects.filter(job=job).values_list("key", flat=True))
            JobItem.objects.bulk_create(
                [
                    JobItem(job=job, key=p.key, label=p.label, params=p.params)
                    for p in planned
                    if p.key not in have
                ]
            )
            progress.reset_failed(str(job.id))
            job.total = JobItem.objects.filter(job=job).count()
            job.save(update_fields=["total"])
        close.sign_job, close.state, close.stage, close.error = job, "signing", "signing", ""
        close.signed_by = user if getattr(user, "pk", None) else close.signed_by
        close.runner = runner_id()
        close.save(update_fields=["sign_job", "state", "stage", "error", "signed_by", "runner"])
    return close


def runner_id() -> str:
    """``host:pid`` of this process: who runs a close's current stage in-process."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def start_signing(
    close: PeriodClose,
    signer: Any,
    user: Any,
    *,
    inline: bool = False,
    on_item: Callable[..., object] | None = None,
    on_archive_item: Callable[..., object] | None = None,
    confirm_signer: str = "",
    teacher_keys: TeacherKeys | None = None,
) -> None:
    """Sign a rendered close with an unlocked signer (in a thread unless ``inline``), then
    archive it; ``on_item`` / ``on_archive_item`` are called after each item of each stage.

    ``teacher_keys``: class teachers' keys that sign their field first; with the demo key the
    demo keys of the snapshot's class teachers are used. Documents whose teacher has no key here
    wait for the teacher (the close stops with the waiting line as its error).

    Raises:
        SignerMismatch: the key's owner is not the director the documents name, and
            ``confirm_signer`` (the user's reason to sign anyway) is empty; or a class teacher's
            key given for a class belongs to someone else.
    """
    from service.documents.signers import check_signers, is_demo, record_confirmations
    from service.jobs.period_steps import snapshot_by_id
    from service.jobs.teacher_sign import check_teacher_keys, demo_teacher_keys, waiting_error
    from signing.pades import SigningOptions, prepare

    # Each rendered PDF is fetched from the work store once, for both signer checks.
    rendered = [
        (item, pdf)
        for item in items_to_sign(close)
        if (pdf := work_files.read(close.id, work_files.RENDERED, item.result["document_id"]))
        is not None
    ]
    checks = check_signers(
        (pdf for _, pdf in rendered),
        "director",
        signer.signing_cert,
        confirm_reason=confirm_signer,
    )
    snapshot = snapshot_by_id(close.snapshot_id)
    if teacher_keys is None and is_demo(signer.signing_cert):
        teacher_keys = demo_teacher_keys(snapshot)
    if teacher_keys is not None and teacher_keys.by_class:
        with_teacher = (
            pdf
            for item, pdf in rendered
            if "class_teacher" in item.result.get("fields", ("class_teacher",))
        )
        check_teacher_keys(with_teacher, teacher_keys)
    close = prepare_sign_job(close, user)
    record_confirmations(checks, actor=getattr(user, "username", "") or "")
    job = close.sign_job
    assert job is not None
    prepared = prepare(
        signer,
        SigningOptions(
            field_name="director",
            stamp=True,
            stamp_font=stamp_font(),
            reason="Правильность переноса данных заверяю",
            time_zone=school_time_zone(),
        ),
    )
    progress.mark_started(str(job.id), stage="sign")

    def run() -> None:
        try:
            sign_documents(prepared, str(job.id), str(close.id), on_item, teacher_keys, snapshot)
            progress.finish(str(job.id))
            PeriodClose.objects.filter(pk=close.pk).update(signed_at=timezone.now())
            signed = advance(PeriodClose.objects.get(pk=close.pk))
            waiting = waiting_error(signed, snapshot)
            if waiting and signed.state == PeriodClose.State.FAILED:
                PeriodClose.objects.filter(pk=close.pk).update(error=waiting)
            if signed.state == PeriodClose.State.SIGNED:
                from service.jobs.tasks import in_process
                from service.jobs.year_inventory import wants_inventory

                # The year's inventory needs the unlocked key, which lives in this thread: archive
                # here on the embedded default, or wait here for the workers to archive.
                here = inline or in_process()
                start_archiving(signed, user, inline=here, on_item=on_archive_item)
                if wants_inventory(signed):
                    finish_year(close.pk, prepared, user)  # waits for the workers if need be
        finally:
            if not inline:  # a thread closes its own connections when it ends
                connections.close_all()

    if inline:
        run()
    else:
        threading.Thread(target=run, name=f"sign-{close.id}", daemon=True).start()


ARCHIVE_WAIT_SECONDS = 6 * 3600


def wait_for_archive(close_pk: Any, poll: float = 1.0) -> PeriodClose:
    """The close once its archive stage (run by workers) has stopped, or after six hours."""
    deadline = time.monotonic() + ARCHIVE_WAIT_SECONDS
    while True:
        close = advance(PeriodClose.objects.get(pk=close_pk))
        if close.state != PeriodClose.State.ARCHIVING or time.monotonic() > deadline:
            return close
        time.sleep(poll)


def finish_year(close_pk: Any, prepared: Any, user: Any) -> None:
    """After a school-wide year close is archived: the year's inventory, signed and archived.

    Runs in the thread that holds the unlocked key, after the archive stage (run there, or by
    workers it waited for); a failure is recorded as the close's error, its documents stay
    archived.
    """
    from service.jobs.year_inventory import make_inventory_once, wants_inventory

    close = PeriodClose.objects.get(pk=close_pk)
    if close.state == PeriodClose.State.ARCHIVING and wants_inventory(close):
        # Workers (or another thread of this process) archive; this thread holds the key the
        # documents were signed with, so it waits for them (a workers' finisher may make the
        # inventory first: then it is reused).
        close = wait_for_archive(close.pk)
    if close.state != PeriodClose.State.ARCHIVED or not wants_inventory(close):
        return
    try:
        make_inventory_once(close, prepared, getattr(user, "username", "") or "vedomost")
    except Exception:
        log.exception("year inventory of close %s failed", close.pk)
        PeriodClose.objects.filter(pk=close.pk).update(
            error="Документы сданы в архив, но опись за учебный год не составлена: проверьте "
            "хранилища архива и выполните закрытие года ещё раз."
        )


ARCHIVABLE = (
    PeriodClose.State.SIGNED,
    PeriodClose.State.ARCHIVING,
    PeriodClose.State.FAILED,
    PeriodClose.State.CANCELLED,
)


def prepare_archive_job(close: PeriodClose, user: Any, *, inprocess: bool = True) -> PeriodClose:
    """Create the archive job, or resume it (failed items retry; archived ones stay);
    ``inprocess``: this process runs it (so a restart shows it as interrupted)."""
    from service.jobs.progress import PlannedItem, create_job

    with transaction.atomic():
        close = PeriodClose.objects.select_for_update().get(pk=close.pk)
        if close.state not in ARCHIVABLE or close.sign_job is None:
            raise ValueError("документы не подписаны")
        if close.archive_job is None:
            signed = JobItem.objects.filter(job=close.sign_job, state=ItemState.DONE)
            year = close.render_job.params.get("year", "") if close.render_job else ""
            close.archive_job = create_job(
                close.school_id,
                "period-archive",
                [PlannedItem(i.key, i.label, i.params) for i in signed],
                params={
                    "close_id": str(close.id),
                    "year": year,
                    "actor": getattr(user, "username", ""),
                    "signer": getattr(close.signed_by, "username", ""),
                },
                user=user,
            )
        else:
            progress.reset_failed(str(close.archive_job_id))
        close.state, close.stage, close.error = "archiving", "archiving", ""
        close.runner = runner_id() if inprocess else ""
        close.save(update_fields=["archive_job", "state", "stage", "error", "runner"])
    return close


def start_archiving(
    close: PeriodClose,
    user: Any,
    *,
    inline: bool = False,
    on_item: Callable[..., object] | None = None,
) -> None:
    """Archive every signed document of a close (workers, a thread, or ``inline``)."""
    from service.jobs.tasks import in_process, run_inline, start_job

    close = prepare_archive_job(close, user, inprocess=inline or in_process())
    assert close.archive_job is not None
    if inline:
        run_inline(close.archive_job, on_item=on_item)
        advance(PeriodClose.objects.get(pk=close.pk))
    else:
        start_job(close.archive_job)
