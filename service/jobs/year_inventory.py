"""The year close's last step: the year's inventory (опись) drawn up, signed and archived.

Contract: ``archive_year_inventory`` runs after a school-wide year close has archived its
documents, with the signer the close signed them with. It lists every archived record of the
school year from the catalog (``storage.year_inventory``), and when the latest archived inventory
of that year already says the same (its content key: the hash of its CSV) it returns that one:
re-running a close archives no new version. Otherwise it renders the PDF/A-3b with the CSV
embedded, signs it and archives it like any other document (a new version of the year's
inventory when one exists, with the reason). A failure leaves the documents archived; the
close's error says what to do.

Who makes it: the process that finishes the close's last archive item. In-process (the command
line, the embedded default) that is the signing thread, which holds the director's unlocked key
(``period_sign.finish_year``). With Celery workers it is the archive job's finisher
(``archive_finish.finish_archive``, the chord callback after the last item), signing with the
key the scheduler may use unattended (``monthly.scheduled_signer``: the demo key, or the
configured key when its password is configured); the web process's signing thread also waits
for the workers and makes it with the director's key when they could not. Either way
:func:`make_inventory_once` claims the work on the archive job row first, so two processes
finishing at once make one inventory, and a repeat finds it by its content key.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from service.jobs.models import Job, PeriodClose

YEAR_CLOSE = "year"
CLAIM = "inventory:"
"""Prefix of the archive job's ``stage`` while a process makes the inventory (then its time)."""
CLAIM_SECONDS = 15 * 60
"""A claim older than this is taken over: the process that made it stopped midway."""
FAILED = (
    "Документы сданы в архив, но опись за учебный год не составлена: проверьте хранилища "
    "архива и выполните закрытие года ещё раз."
)
NO_KEY = (
    "Документы сданы в архив, но опись за учебный год не составлена: фоновым обработчикам "
    "недоступен ключ подписи директора (не задан пароль ключа VEDOMOST_SIGNER_PASSWORD). "
    "Выполните на сервере «vedomost close year» (документы не изменятся, будет составлена "
    "опись) или задайте пароль ключа для фоновых обработчиков."
)


@dataclass(frozen=True)
class InventoryOutcome:
    """The archived inventory: its id, version, how many records it lists, whether reused."""

    document_id: str
    version: int
    documents: int
    reused: bool


def wants_inventory(close: PeriodClose) -> bool:
    """A year close of the whole school (or of its school-wide documents, «—»)."""
    return close.close_kind == YEAR_CLOSE and (close.classes is None or "—" in close.classes)


def archive_year_inventory(close: PeriodClose, prepared: Any, actor: str) -> InventoryOutcome:
    """Draw up, sign and archive the year's inventory (see the module docstring)."""
    from service.archive.wiring import get_archive
    from service.journal.store import load_snapshot
    from signing.pades import sign_with
    from storage.archive import DocumentMetadata
    from storage.year_inventory import (
        YEAR_INVENTORY,
        content_key,
        inventory_document_id,
        inventory_rows,
        render_inventory,
    )

    snapshot = load_snapshot(close.snapshot_id)
    school, year = snapshot.school.id, snapshot.year.id
    archive = get_archive()
    names = {p.id: p.name for p in snapshot.year.periods}
    names[YEAR_CLOSE] = close.period_name
    rows = inventory_rows(archive, school=school, year=year, period_names=names)
    key = content_key(rows)
    document_id = inventory_document_id(school, year)
    latest = archive.catalog.find_document(document_id)
    if latest is not None and latest.extra.get("content_key") == key:
        return InventoryOutcome(document_id, latest.version, len(rows), True)
    pdf = render_inventory(
        rows, school_name=snapshot.school.full_name, year=year, drafted=archive.now()
    )
    signed = sign_with(prepared, pdf)
    metadata = DocumentMetadata(
        document_id=document_id,
        school=school,
        year=year,
        period=YEAR_CLOSE,
        snapshot_id=close.snapshot_id,
        signer=actor,
        extra={
            "content_key": key,
            "close_id": str(close.id),
            "documents": str(len(rows)),
            "period_name": close.period_name,
        },
    )
    if latest is None:
        entry = archive.archive(signed, metadata, YEAR_INVENTORY, actor=actor)
    else:
        entry = archive.correct(
            document_id,
            signed,
            reason=f"в архив сданы новые документы за {close.period_name}",
            author=actor,
            metadata=metadata,
        )
    return InventoryOutcome(document_id, entry.version, len(rows), False)


def inventory_line(close: PeriodClose) -> str:
    """The report's Russian line about the year's inventory, or "" when the close has none."""
    if not wants_inventory(close):
        return ""
    from service.archive.wiring import get_archive
    from storage.year_inventory import inventory_document_id

    year = close.render_job.params.get("year", "") if close.render_job else ""
    entry = get_archive().catalog.find_document(inventory_document_id(close.school_id, year))
    result = close.archive_job.result if close.archive_job else {}
    failure = {"failed": FAILED, "no-key": NO_KEY}.get((result or {}).get("inventory", ""))
    if failure and (entry is None or entry.extra.get("close_id") != str(close.id)):
        return failure  # the signing thread did not make it either
    if entry is None:
        return ""
    return (
        f"Опись электронных документов за {close.period_name}: версия {entry.version}, "
        f"документов в описи {entry.extra.get('documents', '?')} (PDF/A с таблицей CSV внутри)"
    )


def _claim(job_id: Any) -> tuple[str, str] | None:
    """Take the archive job's inventory claim: ``(claim, stage before)``, or ``None`` when
    another process holds it."""
    now = int(time.time())
    current = Job.objects.filter(pk=job_id).values_list("stage", flat=True).first()
    if current is None:
        return None
    if current.startswith(CLAIM):
        since = int(current.removeprefix(CLAIM) or 0)
        if now - since < CLAIM_SECONDS:
            return None
    claim = f"{CLAIM}{now}"
    # Compare and set: of two processes reading the same stage only one updates the row.
    taken = Job.objects.filter(pk=job_id, stage=current).update(stage=claim)
    before = "" if current.startswith(CLAIM) else current
    return (claim, before) if taken else None


def make_inventory_once(close: PeriodClose, prepared: Any, actor: str) -> InventoryOutcome | None:
    """:func:`archive_year_inventory` under the archive job's claim; ``None`` when another
    process is making it right now (it will be there when that process is done)."""
    from storage.errors import DocumentExists

    job_id = close.archive_job_id
    claim = _claim(job_id) if job_id is not None else ("", "")
    if claim is None:
        return None
    try:
        return archive_year_inventory(close, prepared, actor)
    except DocumentExists:
        # Another close of the same year archived that version a moment ago: take it as ours
        # when it lists the same records, else let the caller report the failure.
        again = archive_year_inventory(close, prepared, actor)
        if not again.reused:
            raise
        return again
    finally:
        if claim[0]:
            Job.objects.filter(pk=job_id, stage=claim[0]).update(stage=claim[1])


def inventory_signer(signer: Any) -> Any:
    """The prepared signer for the inventory: the director's field and stamp, as in the close."""
    from service.config import school_time_zone, stamp_font
    from signing.pades import SigningOptions, prepare

    return prepare(
        signer,
        SigningOptions(
            field_name="director",
            stamp=True,
            stamp_font=stamp_font(),
            reason="Правильность переноса данных заверяю",
            time_zone=school_time_zone(),
        ),
    )
