"""Refusals the Положение names, and the letter to the guardianship authority each one drafts.

A refusal of the personal-data consent and a refusal of electronic delivery of progress
information both draft the ``refusal-letter`` (numbered in the outgoing register). When the
refusal is reverted (the record leaves «отказ»), the draft is cancelled: it stays in the catalog
and in the register with the status «отменено», the day, who cancelled it and why; nothing is
deleted and its number is never reused.

:func:`follow_refusal` is the one entry point: whatever records a status change (the consents
register, a page, the command line) calls it with the status before and after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.journal import snapshot as m
from service.orders.convert import Converter
from service.orders.kinds import refusal_letter
from service.orders.models import ConsentRecord, IssuedDocument
from service.orders.produce import MadeDocument, OrderRequest, make_document

REFUSED = ConsentRecord.Status.REFUSED
LETTER_KINDS = (m.ConsentKind.PERSONAL_DATA, m.ConsentKind.ELECTRONIC_DELIVERY)
"""Consent kinds whose refusal the Положение об ЭЖ reports to the guardianship authority."""


def active_letter(record: ConsentRecord) -> IssuedDocument | None:
    """The record's drafted (not cancelled) refusal letter, if any."""
    letter = record.refusal_letter
    if letter is None or letter.status == IssuedDocument.CANCELLED:
        return None
    return letter


def draft_refusal_letter(
    snapshot: m.Snapshot,
    record: ConsentRecord,
    *,
    day: dt.date,
    user: str,
    convert: bool = True,
    converter: Converter | None = None,
) -> MadeDocument:
    """Draft the letter about ``record``'s refusal, number it and link it to the record."""
    what = str(record.kind)
    made = make_document(
        snapshot,
        OrderRequest(
            refusal_letter.KIND.id,
            {
                "guardian": record.guardian_id,
                "student": record.student_id,
                "refusal_date": day.isoformat(),
                "refusal": what,
            },
            date=day,
            user=user,
            convert=convert,
            title=refusal_letter.REFUSALS[what]["title"],
        ),
        converter,
    )
    issued = IssuedDocument.objects.only("pk").get(document_id=made.document_id)
    ConsentRecord.objects.filter(pk=record.pk).update(refusal_letter_id=issued.pk)
    record.refusal_letter = issued
    return made


def cancel_refusal_letter(
    record: ConsentRecord, *, user: str, on: dt.date, reason: str = ""
) -> IssuedDocument | None:
    """Mark the record's drafted letter «отменено» (kept, with the reason); ``None`` if none."""
    letter = active_letter(record)
    if letter is None:
        return None
    status = ConsentRecord.Status(record.status).label
    letter.status = IssuedDocument.CANCELLED
    letter.cancelled_on = on
    letter.cancelled_by = user
    letter.cancel_reason = (reason or f"отказ отменён: состояние изменено на «{status}»")[:500]
    letter.save(update_fields=["status", "cancelled_on", "cancelled_by", "cancel_reason"])
    return letter


@dataclass(frozen=True)
class FollowUp:
    """What a status change did to the authority letter: drafted one, cancelled one, or neither."""

    drafted: MadeDocument | None = None
    cancelled: IssuedDocument | None = None


def follow_refusal(
    snapshot: m.Snapshot,
    record: ConsentRecord,
    previous: str,
    *,
    day: dt.date,
    user: str,
    reason: str = "",
    convert: bool = True,
    converter: Converter | None = None,
) -> FollowUp:
    """Draft or cancel the authority letter after ``record`` changed from ``previous``.

    A new refusal drafts a letter (unless one is already drafted); leaving «отказ» cancels it.
    """
    if str(record.kind) not in LETTER_KINDS:
        return FollowUp()
    if record.status == REFUSED:
        if active_letter(record) is not None:
            return FollowUp()
        return FollowUp(
            drafted=draft_refusal_letter(
                snapshot, record, day=day, user=user, convert=convert, converter=converter
            )
        )
    if previous == REFUSED:
        return FollowUp(cancelled=cancel_refusal_letter(record, user=user, on=day, reason=reason))
    return FollowUp()


def letter_history(record: ConsentRecord) -> list[IssuedDocument]:
    """Every refusal letter drafted about this record (kept when cancelled), newest first."""
    rows = IssuedDocument.objects.filter(
        school_id=record.school_id,
        kind=refusal_letter.KIND.id,
        params__guardian=record.guardian_id,
        params__student=record.student_id,
    ).order_by("-created_at", "-pk")
    kind = str(record.kind)
    return [r for r in rows if r.params.get("refusal", refusal_letter.PERSONAL_DATA) == kind]
