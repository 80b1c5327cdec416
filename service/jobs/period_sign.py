"""Signing a close's documents: one key unlock, in the process where the director gave the password.

The password or PIN never goes through the broker or the database: the key is unlocked here and
the batch is signed in a thread of this process, with progress in the ``period-sign`` job.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from service.errors import UserError
from service.jobs import progress
from service.jobs.models import ItemState, JobItem, PeriodClose
from service.jobs.period_close import advance, work_dir, write_atomically

log = logging.getLogger(__name__)


class WrongKeyPassword(UserError):
    """The signing key could not be unlocked with the given password or PIN."""


def signer_key_path() -> Path:
    """The director's PKCS#12: ``VEDOMOST_SIGNER_P12`` or the demo key in the data directory."""
    explicit = os.environ.get("VEDOMOST_SIGNER_P12", "").strip()
    if explicit:
        return Path(explicit)
    from signing.demo_pki import ensure_demo_pki

    return ensure_demo_pki(Path(settings.DATA_DIR) / "keys").director_p12


def unlock_signer(password: str) -> Any:
    """Open the director's key once; raise :class:`WrongKeyPassword` if it does not open."""
    from signing.signers import load_pkcs12

    try:
        return load_pkcs12(signer_key_path(), password.encode())
    except Exception as exc:  # the library raises different errors for a bad password or file
        raise WrongKeyPassword("Ключ подписи не открылся: неверный пароль или PIN") from exc


def sign_documents(prepared: Any, job_id: str, close_id: str) -> None:
    """Sign every pending item of the sign job (rendered → signed), recording each outcome."""
    from signing.pades import sign_with

    folder = work_dir(close_id)
    for item in JobItem.objects.filter(job_id=job_id).exclude(state=ItemState.DONE):
        started = time.perf_counter()
        try:
            pdf = (folder / "rendered" / f"{item.key}.pdf").read_bytes()
            signed = sign_with(prepared, pdf)
            write_atomically(folder / "signed" / f"{item.key}.pdf", signed)
        except Exception as exc:
            log.exception("signing %s failed", item.key)
            progress.item_failed(item, f"Не удалось подписать: {type(exc).__name__}")
            continue
        progress.item_done(
            item, {**item.params, "signed_bytes": len(signed)}, time.perf_counter() - started
        )


def start_signing(close: PeriodClose, signer: Any, user: Any, *, inline: bool = False) -> None:
    """Sign a rendered close with an unlocked signer (in a thread unless ``inline``)."""
    from service.jobs.progress import PlannedItem, create_job
    from signing.pades import SigningOptions, prepare

    with transaction.atomic():
        close = PeriodClose.objects.select_for_update().get(pk=close.pk)
        if close.state != PeriodClose.State.RENDERED:
            raise ValueError("документы не готовы к подписи")
        done = JobItem.objects.filter(job=close.render_job, state=ItemState.DONE)
        job = create_job(
            close.school_id,
            "period-sign",
            [PlannedItem(i.result["document_id"], i.label, i.result) for i in done],
            params={"close_id": str(close.id)},
            user=user,
        )
        close.sign_job, close.state = job, PeriodClose.State.SIGNING
        close.signed_by = user if getattr(user, "pk", None) else None
        close.save(update_fields=["sign_job", "state", "signed_by"])
    prepared = prepare(
        signer,
        SigningOptions(
            field_name="director", stamp=True, reason="Правильность переноса данных заверяю"
        ),
    )
    progress.mark_started(str(job.id), stage="sign")

    def run() -> None:
        try:
            sign_documents(prepared, str(job.id), str(close.id))
            progress.finish(str(job.id))
            PeriodClose.objects.filter(pk=close.pk).update(signed_at=timezone.now())
            signed = advance(PeriodClose.objects.get(pk=close.pk))
            if signed.state == PeriodClose.State.SIGNED:
                start_archiving(signed, user, inline=inline)
        finally:
            if not inline:  # a thread closes its own connections when it ends
                connections.close_all()

    if inline:
        run()
    else:
        threading.Thread(target=run, name=f"sign-{close.id}", daemon=True).start()


def start_archiving(close: PeriodClose, user: Any, *, inline: bool = False) -> None:
    """Queue the archiving of every signed document of a close."""
    from service.jobs.progress import PlannedItem, create_job
    from service.jobs.tasks import start_job

    with transaction.atomic():
        close = PeriodClose.objects.select_for_update().get(pk=close.pk)
        if close.state != PeriodClose.State.SIGNED:
            raise ValueError("документы не подписаны")
        signed = JobItem.objects.filter(job=close.sign_job, state=ItemState.DONE)
        year = close.render_job.params.get("year", "") if close.render_job else ""
        job = create_job(
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
        close.archive_job, close.state = job, PeriodClose.State.ARCHIVING
        close.save(update_fields=["archive_job", "state"])
    start_job(job, inline=inline)
