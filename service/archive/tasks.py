"""Celery tasks of the archive: thin wrappers around the plain functions in ``storage``."""

from __future__ import annotations

from celery import shared_task

from storage.errors import StoreUnavailable


@shared_task(
    name="archive.replicate_pending",
    autoretry_for=(StoreUnavailable,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def replicate_pending() -> dict[str, int]:
    """Write the missing copies of documents waiting for replication."""
    from service.archive.wiring import get_archive

    report = get_archive().replicate_pending()
    return {"replicated": len(report.replicated), "pending": len(report.still_pending)}


@shared_task(name="archive.fixity_audit")
def fixity_audit(sample: int | None = None, repair: bool = True) -> dict[str, int]:
    """Re-read copies and compare with the catalog (a rotating sample, or everything)."""
    from service.archive.wiring import get_archive
    from storage.fixity import audit

    report = audit(get_archive(), sample=sample, repair=repair, actor="celery")
    return {
        "checked": report.checked,
        "findings": len(report.findings),
        "unknown": len(report.unknown),
    }


@shared_task(name="archive.backup_catalog")
def backup_catalog() -> str:
    """Back up the catalog database into both stores."""
    from service.archive.dbdump import dump_database, engine_name
    from service.archive.wiring import get_archive
    from storage.backup import backup_catalog as run_backup

    return run_backup(
        get_archive(), dump_database, engine=engine_name(), actor="celery"
    ).document_id
