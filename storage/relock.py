"""Changing locks after archiving: an event-based case closes, or the schedule changes.

A lock may be lengthened, never shortened (the S3 server enforces this for COMPLIANCE as well).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Protocol

from storage.catalog import ArchivedDocument, Catalog, EntryFilter, EventDraft
from storage.retention import Schedule, case_closed_year, decide
from storage.stores.base import LockMode, Store


class LockedArchive(Protocol):
    """What changing locks needs of an archive; :class:`storage.archive.Archive` has it.

    A protocol rather than the class itself, so that ``archive`` can call this module without
    the two importing each other.
    """

    schedule: Schedule

    @property
    def stores(self) -> Mapping[str, Store]:
        """Store ``A`` and store ``B``."""
        ...

    @property
    def catalog(self) -> Catalog:
        """The catalog the rows and events go to."""
        ...

    def now(self) -> datetime:
        """The archive's clock."""
        ...

    def versions(self, document_id: str) -> list[ArchivedDocument]:
        """Every version of a document, oldest first."""
        ...


def close_case(
    archive: LockedArchive, document_id: str, closed_on: date, *, actor: str = ""
) -> list[ArchivedDocument]:
    """The event an event-based row waits for happened (consent withdrawn, student left).

    Every version of the document gets its retain-until from the schedule and loses the legal
    hold it was kept under meanwhile (permanent kinds keep their hold).
    """
    changed = []
    for entry in archive.versions(document_id):
        rule = archive.schedule.rule(entry.kind)
        if rule.permanent or rule.counted_from != "event" or not entry.legal_hold:
            continue
        decision = decide(
            rule,
            closed_year=closed_on.year,
            signed=bool(entry.signer) or entry.lock_mode == "COMPLIANCE",
            now=archive.now(),
        )
        for letter in "AB":
            vid = entry.copy_version(letter)
            if not vid:
                continue
            if decision.mode and decision.retain_until:
                archive.stores[letter].set_retention(
                    entry.key, vid, decision.mode, decision.retain_until
                )
            archive.stores[letter].set_legal_hold(entry.key, vid, False)
        extra = dict(entry.extra)
        extra["case_closed"] = closed_on.isoformat()
        changed.append(
            archive.catalog.update_entry(
                entry.id,
                {
                    "legal_hold": False,
                    "retain_until": decision.retain_until,
                    "lock_mode": decision.mode,
                    "extra": extra,
                },
                EventDraft(
                    "retention-change",
                    entry.document_id,
                    entry.id,
                    actor,
                    {"case_closed": closed_on.isoformat(), "new": str(decision.retain_until)},
                ),
            )
        )
    return changed


def reapply_schedule(
    archive: LockedArchive, schedule: Schedule, *, actor: str = ""
) -> list[ArchivedDocument]:
    """Apply a changed schedule: lengthen locks that became longer; never shorten one."""
    changed: list[ArchivedDocument] = []
    now = archive.now()
    for entry in list(archive.catalog.list_entries(EntryFilter())):
        rule = schedule.rule(entry.kind)
        if rule.counted_from == "archived" or entry.legal_hold:
            continue
        closed = case_closed_year(
            entry.year, entry.extra.get("case_closed"), (entry.created_at or now).date()
        )
        decision = decide(
            rule,
            closed_year=closed,
            signed=bool(entry.signer) or entry.lock_mode == "COMPLIANCE",
            now=now,
        )
        if decision.legal_hold:
            for letter in "AB":
                vid = entry.copy_version(letter)
                if vid:
                    archive.stores[letter].set_legal_hold(entry.key, vid, True)
            changes: dict[str, object] = {"legal_hold": True}
        elif (
            decision.retain_until is not None
            and entry.retain_until is not None
            and decision.retain_until > entry.retain_until
        ):
            mode: LockMode = "COMPLIANCE" if entry.lock_mode == "COMPLIANCE" else "GOVERNANCE"
            if entry.lock_mode is None and decision.mode is not None:
                mode = decision.mode
            for letter in "AB":
                vid = entry.copy_version(letter)
                if vid:
                    archive.stores[letter].set_retention(
                        entry.key, vid, mode, decision.retain_until
                    )
            changes = {"retain_until": decision.retain_until, "lock_mode": mode}
        else:
            continue
        changed.append(
            archive.catalog.update_entry(
                entry.id,
                changes,
                EventDraft(
                    "retention-change",
                    entry.document_id,
                    entry.id,
                    actor,
                    {
                        "old": str(entry.retain_until),
                        "new": str(changes.get("retain_until", "постоянно")),
                    },
                ),
            )
        )
    archive.schedule = schedule
    return changed
