"""Renewal of archival time stamps: the scheduled care's duty for B-LTA records.

Contract: ``renew_due_timestamps`` takes the archive and the run's due time. It first reads the
signatures of up to :data:`BACKFILL_PER_RUN` records archived before the catalog kept their
level (``signature_level == ""``), then picks the latest version of every B-LTA record whose last
document time stamp was made under a TSA certificate that expires within the renewal margin
(``VEDOMOST_TIMESTAMP_RENEWAL_DAYS``, one year by default) or covers the file with a weak hash.
For each it reads a verified copy, adds validation data for the earlier time stamp to the DSS and
a new document time stamp (``signing.update_archival_timestamp_chain``), and archives the result
as the next version of the same document with the reason «продление метки времени: …»: both
copies, the lock from the retention schedule, earlier versions kept. A renewal that gives no
later expiry than the record already has (the TSA's own certificate is about to expire) is not
archived: the duty warns that the time-stamp service must be changed. One record's failure
does not stop the others; the outcome lists them.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from typing import Any

from storage.archive import META_FIELDS, Archive, DocumentMetadata
from storage.catalog import DISPOSED, ArchivedDocument
from storage.errors import StorageError
from storage.signature_scan import LEVEL_NONE, scan_signatures

log = logging.getLogger(__name__)

ACTOR = "плановое обслуживание"
B_LTA = "B-LTA"
BACKFILL_PER_RUN = 200
"""Records from before the catalog kept signature levels read per run (the rest next time)."""
WEAK_HASHES = frozenset({"md5", "sha1", "sha224"})
"""Hash algorithms no longer trusted to hold a time stamp: such a stamp is renewed at once."""
HASH_NAMES = {"md5": "MD5", "sha1": "SHA-1", "sha224": "SHA-224"}
UNEXPECTED = (
    "метка времени не продлена: проверка прежней метки не удалась — проверьте, что "
    "VEDOMOST_TRUST_ROOTS содержит корневой сертификат службы штампов времени (подробности "
    "в журнале сервера)"
)


@dataclass(frozen=True)
class RenewalSettings:
    """Where to get new time stamps and which records are due."""

    tsa_url: str | None
    trust_roots: tuple[Any, ...]
    margin: dt.timedelta


@dataclass
class RenewalReport:
    """What one run did: records read for the catalog, renewed, refused, failed."""

    backfilled: int = 0
    due: int = 0
    renewed: list[dict[str, Any]] = field(default_factory=list)
    stuck: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)


def settings_from_environment() -> RenewalSettings:
    """The TSA, the trusted roots and the margin from ``VEDOMOST_*`` (see ``service.config``)."""
    from service.config import timestamp_renewal_days, trust_roots, tsa_url
    from signing.levels import load_trust_roots

    roots = tuple(load_trust_roots(trust_roots()))
    return RenewalSettings(tsa_url(), roots, dt.timedelta(days=timestamp_renewal_days()))


def ru_date(moment: dt.datetime | None) -> str:
    """ДД.ММ.ГГГГ (ГОСТ Р 7.0.97), «—» when unknown."""
    return f"{moment:%d.%m.%Y}" if moment is not None else "—"


def backfill_levels(archive: Archive, limit: int = BACKFILL_PER_RUN) -> int:
    """Read the signatures of up to ``limit`` records archived before the catalog kept them."""
    from service.archive.models import Entry

    ids = list(
        Entry.objects.filter(signature_level="")
        .exclude(state=DISPOSED)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    done = 0
    for entry_id in ids:
        entry = archive.catalog.get_entry(entry_id)
        if entry is None:
            continue
        if entry.extra.get("extension", "pdf") != "pdf":
            archive.catalog.update_entry(entry.id, {"signature_level": LEVEL_NONE}, None)
            done += 1
            continue
        try:
            stream = archive.read(entry.document_id, entry.version, actor=ACTOR)
        except StorageError:
            log.warning("record %s: no readable copy to scan for signatures", entry.id)
            continue
        try:
            scan = scan_signatures(stream)
        finally:
            stream.close()
        archive.catalog.update_entry(
            entry.id,
            {
                "signature_level": scan.level,
                "timestamp_expires": scan.timestamp_expires,
                "timestamp_hash": scan.timestamp_hash,
            },
            None,
        )
        done += 1
    return done


def due_records(until: dt.datetime) -> list[int]:
    """Ids of the latest live B-LTA versions whose last time stamp expires by ``until`` or
    rests on a weak hash, the soonest first."""
    from django.db.models import Exists, OuterRef, Q

    from service.archive.models import Entry

    newer = Entry.objects.filter(
        document_id=OuterRef("document_id"), version__gt=OuterRef("version")
    )
    rows = (
        Entry.objects.filter(signature_level=B_LTA)
        .exclude(state=DISPOSED)
        .filter(Q(timestamp_expires__lte=until) | Q(timestamp_hash__in=WEAK_HASHES))
        .filter(~Exists(newer))
        .order_by("timestamp_expires", "id")
    )
    return list(rows.values_list("id", flat=True))


def renewal_reason(entry: ArchivedDocument) -> str:
    """«продление метки времени: …» — why this version was made."""
    if entry.timestamp_hash in WEAK_HASHES:
        name = HASH_NAMES.get(entry.timestamp_hash, entry.timestamp_hash.upper())
        return f"продление метки времени: алгоритм хеширования {name} больше не надёжен"
    return (
        "продление метки времени: сертификат службы штампов времени истекает "
        f"{ru_date(entry.timestamp_expires)}"
    )


def _metadata(entry: ArchivedDocument) -> DocumentMetadata:
    """The record's own metadata, kept as is in the renewed version (content key included)."""
    extra = {k: v for k, v in entry.extra.items() if k not in ("extension", "case_closed")}
    return DocumentMetadata(
        document_id=entry.document_id,
        extension=entry.extra.get("extension", "pdf"),
        case_closed=entry.extra.get("case_closed", ""),
        extra=extra,
        **{f: getattr(entry, f) for f in META_FIELDS},
    )


def renew_one(
    archive: Archive, entry: ArchivedDocument, settings: RenewalSettings
) -> dict[str, Any]:
    """Renew one record; return its line for the run's details (``stuck`` when refused)."""
    from signing.levels import update_archival_timestamp_chain

    assert settings.tsa_url is not None
    stream = archive.read(entry.document_id, entry.version, actor=ACTOR)
    try:
        pdf = stream.read()
    finally:
        stream.close()
    renewed = update_archival_timestamp_chain(pdf, settings.tsa_url, list(settings.trust_roots))
    scan = scan_signatures(io.BytesIO(renewed))
    line: dict[str, Any] = {
        "document_id": entry.document_id,
        "version": entry.version,
        "expires": ru_date(entry.timestamp_expires),
        "new_expires": ru_date(scan.timestamp_expires),
    }
    improves = scan.timestamp_expires is not None and (
        entry.timestamp_expires is None
        or scan.timestamp_expires > entry.timestamp_expires
        or (entry.timestamp_hash in WEAK_HASHES and scan.timestamp_hash not in WEAK_HASHES)
    )
    if scan.level != B_LTA or not improves:
        line["stuck"] = True
        return line
    new = archive.correct(
        entry.document_id,
        renewed,
        reason=renewal_reason(entry),
        author=ACTOR,
        metadata=_metadata(entry),
    )
    archive.record(
        "signature-renewal",
        entry.document_id,
        actor=ACTOR,
        version=new.version,
        replaces_version=entry.version,
        timestamp_expires=scan.timestamp_expires.isoformat() if scan.timestamp_expires else "",
    )
    line["new_version"] = new.version
    return line


def renew(archive: Archive, due: dt.datetime, settings: RenewalSettings) -> RenewalReport:
    """Backfill, pick the due records and renew each (see the module docstring)."""
    report = RenewalReport(backfilled=backfill_levels(archive))
    ids = due_records(due + settings.margin)
    report.due = len(ids)
    if not ids or not settings.tsa_url or not settings.trust_roots:
        return report
    from signing.errors import SigningError

    for entry_id in ids:
        entry = archive.catalog.get_entry(entry_id)
        if entry is None:
            continue
        try:
            line = renew_one(archive, entry, settings)
        except (SigningError, StorageError) as exc:
            log.warning("renewal of record %s failed: %s", entry.id, exc)
            report.failed.append(
                {"document_id": entry.document_id, "version": entry.version, "error": str(exc)}
            )
            continue
        except Exception:  # recorded in the run's outcome; the other records still renew
            # pyHanko fails this way when the old time stamp's chain does not reach a root.
            log.exception("renewal of record %s failed", entry.id)
            report.failed.append(
                {
                    "document_id": entry.document_id,
                    "version": entry.version,
                    "error": UNEXPECTED,
                }
            )
            continue
        (report.stuck if line.get("stuck") else report.renewed).append(line)
    return report


def renew_due_timestamps(archive: Archive, due: dt.datetime) -> Any:
    """The scheduled duty: :func:`renew` with the configured settings, as a dashboard outcome."""
    from service.jobs.care import DutyOutcome
    from service.russian import plural

    settings = settings_from_environment()
    report = renew(archive, due, settings)
    details: dict[str, Any] = {
        "backfilled": report.backfilled,
        "due": report.due,
        "renewed": report.renewed,
        "stuck": report.stuck,
        "failed": report.failed,
        "margin_days": settings.margin.days,
    }
    read = f"; сведения о подписях прочитаны, документов: {report.backfilled}"
    read = read if report.backfilled else ""
    if report.due == 0:
        return DutyOutcome(
            "ok",
            "нечего продлевать: у документов с архивной меткой времени (B-LTA) сертификат "
            "службы штампов времени истекает не раньше чем через "
            f"{plural(settings.margin.days, 'день')}" + read,
            details,
        )
    waiting = f"ждут продления метки времени документов: {report.due}"
    if not settings.tsa_url:
        return DutyOutcome(
            "warning",
            f"{waiting}, но не задан адрес службы штампов времени (VEDOMOST_TSA_URL)" + read,
            details,
        )
    if not settings.trust_roots:
        return DutyOutcome(
            "warning",
            f"{waiting}, но не заданы доверенные корневые сертификаты (VEDOMOST_TRUST_ROOTS)"
            + read,
            details,
        )
    parts = [f"метка времени продлена, документов: {len(report.renewed)}"]
    if report.stuck:
        parts.append(
            f"не продлено документов: {len(report.stuck)} — новая метка не даёт запаса, "
            "сертификат службы штампов времени истекает слишком скоро; смените службу"
        )
    if report.failed:
        parts.append(
            f"ошибок: {len(report.failed)} ("
            + "; ".join(f"{f['document_id']}: {f['error']}" for f in report.failed[:3])
            + ")"
        )
    outcome = "failed" if report.failed and not report.renewed else "ok"
    if outcome == "ok" and (report.stuck or report.failed):
        outcome = "warning"
    return DutyOutcome(outcome, "; ".join(parts) + read, details)
