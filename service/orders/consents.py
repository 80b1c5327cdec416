"""The consents workflow: register per class, status changes, pre-filled forms, scans, refusals.

Functions take the snapshot (the school and its people) and an explicit user; who may call them is
decided by the service's role checks, not here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from service.documents.meta import DocumentMeta
from service.errors import UserError
from service.journal import snapshot as m
from service.orders.convert import Converter
from service.orders.kind import OrderKind
from service.orders.kinds import (
    application_edelivery,
    consent_pd,
    family_form_kinds,
    refusal_letter,
)
from service.orders.models import ConsentChange, ConsentRecord, ConsentScan
from service.orders.produce import MadeDocument, OrderRequest, make_document
from service.orders.scans import scan_to_pdfa

Status = ConsentRecord.Status
STATUS_LABELS = {s.value: s.label for s in Status}


class ConsentError(UserError, ValueError):
    """A consent operation cannot be done; the message is in Russian."""


@dataclass(frozen=True)
class ConsentLine:
    """One line of a class's consent register."""

    record_id: int
    student_id: str
    student_name: str
    guardian_id: str
    guardian_name: str
    relation: str
    status: str
    status_label: str
    given_on: dt.date | None
    refused_on: dt.date | None
    withdrawn_on: dt.date | None
    scans: int


def find_class(snapshot: m.Snapshot, name: str) -> m.SchoolClass:
    """The class named «5А» (or with that id)."""
    for cls in snapshot.classes:
        if name in (cls.name, cls.id):
            return cls
    raise ConsentError(f"нет класса «{name}»")


def sync_consents(snapshot: m.Snapshot, kind: str = m.ConsentKind.PERSONAL_DATA) -> int:
    """Create missing records: from the snapshot's consents, else «не собрано»; return the count."""
    from_journal = {(c.student_id, c.guardian_id): c for c in snapshot.consents if c.kind == kind}
    existing = set(
        ConsentRecord.objects.filter(school_id=snapshot.school.id, kind=kind).values_list(
            "student_id", "guardian_id"
        )
    )
    new = []
    for s in snapshot.students:
        if s.left_on is not None:
            continue
        for gid in s.guardian_ids:
            if (s.id, gid) in existing or gid not in snapshot.guardian_by_id:
                continue
            c = from_journal.get((s.id, gid))
            status = str(c.status) if c else Status.PENDING
            new.append(
                ConsentRecord(
                    school_id=snapshot.school.id,
                    class_id=s.class_id,
                    student_id=s.id,
                    guardian_id=gid,
                    kind=kind,
                    status=status,
                    given_on=c.date
                    if c and c.status in (m.ConsentStatus.GIVEN, m.ConsentStatus.WITHDRAWN)
                    else None,
                    refused_on=c.date if c and c.status == m.ConsentStatus.REFUSED else None,
                    withdrawn_on=c.withdrawn_on if c else None,
                    updated_by="импорт журнала",
                )
            )
    ConsentRecord.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def class_register(
    snapshot: m.Snapshot, class_name: str, kind: str = m.ConsentKind.PERSONAL_DATA
) -> list[ConsentLine]:
    """The consent register of a class: every guardian of every current student with a status."""
    cls = find_class(snapshot, class_name)
    sync_consents(snapshot, kind)
    order = {s.id: i for i, s in enumerate(snapshot.students_of_class.get(cls.id, ()))}
    lines = []
    for r in ConsentRecord.objects.filter(school_id=snapshot.school.id, class_id=cls.id, kind=kind):
        s, g = snapshot.student_by_id.get(r.student_id), snapshot.guardian_by_id.get(r.guardian_id)
        if s is None or g is None:
            continue
        lines.append(
            ConsentLine(
                r.pk,
                s.id,
                s.full_name,
                g.id,
                g.full_name,
                g.relation,
                r.status,
                STATUS_LABELS[r.status],
                r.given_on,
                r.refused_on,
                r.withdrawn_on,
                r.scans.count(),
            )
        )
    return sorted(lines, key=lambda x: (order.get(x.student_id, 10**6), x.guardian_name))


def _record(snapshot: m.Snapshot, student_id: str, guardian_id: str, kind: str) -> ConsentRecord:
    sync_consents(snapshot, kind)
    record = ConsentRecord.objects.filter(
        school_id=snapshot.school.id, student_id=student_id, guardian_id=guardian_id, kind=kind
    ).first()
    if record is None:
        raise ConsentError("нет такой пары обучающийся — законный представитель в этой школе")
    return record


@dataclass(frozen=True)
class StatusChange:
    """A status change; ``letter`` is the drafted letter to the guardianship authority."""

    record_id: int
    status: str
    letter: MadeDocument | None


def set_status(
    snapshot: m.Snapshot,
    student_id: str,
    guardian_id: str,
    status: str,
    *,
    user: str,
    on: dt.date | None = None,
    kind: str = m.ConsentKind.PERSONAL_DATA,
    convert: bool = True,
    converter: Converter | None = None,
    comment: str = "",
) -> StatusChange:
    """Record given / refused / withdrawn / pending; a refusal drafts the authority letter.

    Every call adds a line to the record's history (:class:`ConsentChange`). Marking «дано» a
    consent that is already given keeps the date it was given on: the paper does not change.
    """
    if status not in STATUS_LABELS:
        raise ConsentError(f"неизвестный статус «{status}»; допустимы: {', '.join(STATUS_LABELS)}")
    day = on or dt.date.today()
    letter = None
    with transaction.atomic():
        record = _record(snapshot, student_id, guardian_id, kind)
        if record.status == Status.REFUSED and status == Status.WITHDRAWN:
            raise ConsentError("нельзя отозвать согласие, которое не было дано")
        previous = record.status
        record.status, record.updated_by = status, user
        if status == Status.GIVEN:
            if previous != Status.GIVEN or record.given_on is None:
                record.given_on = day
            record.refused_on, record.withdrawn_on = None, None
        elif status == Status.REFUSED:
            record.refused_on = day
        elif status == Status.WITHDRAWN:
            record.withdrawn_on = day
        record.save()
        ConsentChange.objects.create(
            consent=record,
            changed_by=user,
            from_status=previous,
            to_status=status,
            on=record.given_on if status == Status.GIVEN else day,
            comment=comment[:500],
        )
    if status == Status.REFUSED and kind == m.ConsentKind.PERSONAL_DATA:
        letter = make_document(
            snapshot,
            OrderRequest(
                refusal_letter.KIND.id,
                {"guardian": guardian_id, "student": student_id, "refusal_date": day.isoformat()},
                date=day,
                user=user,
                convert=convert,
            ),
            converter,
        )
        ConsentRecord.objects.filter(pk=record.pk).update(
            refusal_letter_id=_issued_pk(letter.document_id)
        )
    return StatusChange(record.pk, status, letter)


def history(record_id: int) -> list[ConsentChange]:
    """A record's status changes, oldest first."""
    return list(ConsentChange.objects.filter(consent_id=record_id).order_by("changed_at", "pk"))


def _issued_pk(document_id: str) -> int:
    from service.orders.models import IssuedDocument

    return IssuedDocument.objects.only("pk").get(document_id=document_id).pk


def print_forms(
    snapshot: m.Snapshot,
    *,
    class_name: str | None = None,
    guardian_id: str | None = None,
    kind: str = "consent-pd",
    user: str = "",
    converter: Converter | None = None,
) -> MadeDocument:
    """Pre-filled forms of a per-family kind (consent-pd…) for a class or a family, one PDF."""
    forms = family_form_kinds()
    if kind not in forms:
        raise ConsentError(f"печатать можно формы {' и '.join(forms)}")
    params = {"guardian": guardian_id} if guardian_id else {"class": class_name or ""}
    return make_document(snapshot, OrderRequest(kind, params, user=user), converter)


def upload_scan(snapshot: m.Snapshot, record_id: int, data: bytes, *, user: str) -> ConsentScan:
    """Convert the scan of the signed paper to PDF/A and keep it with the record."""
    record = ConsentRecord.objects.filter(pk=record_id, school_id=snapshot.school.id).first()
    if record is None:
        raise ConsentError("запись о согласии не найдена")
    scan = scan_to_pdfa(data, "Скан подписанного согласия")
    return ConsentScan.objects.create(
        consent=record,
        document_id=f"{form_kind(record.kind).id}-scan-{uuid.uuid4().hex[:12]}",
        source_type=scan.source_type,
        pdf=scan.pdf,
        sha256=scan.sha256,
        uploaded_by=user,
    )


def form_kind(consent_kind: str) -> OrderKind:
    """The order kind of the paper form a consent record of ``consent_kind`` is signed on."""
    if consent_kind == m.ConsentKind.ELECTRONIC_DELIVERY:
        return application_edelivery.KIND
    return consent_pd.KIND


def scan_meta(scan: ConsentScan) -> DocumentMeta:
    """The requisites of a scan: ids of the school and class; a scan has no number or template."""
    record = scan.consent
    kind = form_kind(record.kind)
    return DocumentMeta(
        kind=kind.id,
        document_id=scan.document_id,
        title=f"Скан: {kind.full_title}",
        school_id=record.school_id,
        school_name="",
        school_short_name="",
        place="",
        issued_on=scan.uploaded_at.date(),
        year_id="",
        snapshot_id="",
        class_id=record.class_id,
    )


def archive_scan(scan: ConsentScan, *, actor: str = "") -> str:
    """Hand a scan to the two-copy archive under its form's kind; return ``document_id vN (state)``.

    Thin on purpose: the archive (``service.archive.wiring.get_archive``) owns stores, retention and
    the catalog; metadata carries ids only.
    """
    from service.archive.metadata import archive_metadata
    from service.archive.wiring import get_archive

    meta = scan_meta(scan)
    entry = get_archive().archive(
        bytes(scan.pdf),
        archive_metadata(meta, extra={"consent": str(scan.consent.pk)}),
        form_kind(scan.consent.kind).retention,
        actor=actor or scan.uploaded_by,
    )
    ref = f"{entry.document_id} v{entry.version} ({entry.state})"
    ConsentScan.objects.filter(pk=scan.pk).update(archive_ref=ref)
    return ref


REGISTER_TITLES = {
    m.ConsentKind.PERSONAL_DATA: "Реестр согласий на обработку персональных данных",
    m.ConsentKind.ELECTRONIC_DELIVERY: "Реестр заявлений об электронной форме информирования",
}


def consent_register_pdf(
    snapshot: m.Snapshot, class_name: str, kind: str = m.ConsentKind.PERSONAL_DATA
) -> bytes:
    """The consent register of a class as PDF/A-3b."""
    from service.orders.context import fmt_date
    from service.orders.registers_pdf import Row, Table, table_pdf

    lines = class_register(snapshot, class_name, kind)
    rows = tuple(
        Row(
            (
                str(i),
                x.student_name,
                f"{x.guardian_name} ({x.relation})" if x.relation else x.guardian_name,
                x.status_label,
                fmt_date(x.given_on),
                fmt_date(x.refused_on),
                fmt_date(x.withdrawn_on),
                "да" if x.scans else "",
            ),
            x.status,
        )
        for i, x in enumerate(lines, start=1)
    )
    counts = Counter(x.status for x in lines)
    totals = "; ".join(f"{STATUS_LABELS[k]}: {counts.get(k, 0)}" for k in STATUS_LABELS)
    cls = find_class(snapshot, class_name)
    return table_pdf(
        Table(
            school=snapshot.school.full_name,
            title=REGISTER_TITLES.get(kind, "Реестр согласий"),
            subtitle=f"{cls.name} класс, {snapshot.year.id} учебный год",
            headers=(
                "№",
                "Обучающийся",
                "Законный представитель",
                "Статус",
                "Дано",
                "Отказ",
                "Отозвано",
                "Скан",
            ),
            rows=rows,
            document_id=f"consent-register-{kind}-{snapshot.school.id}-{cls.id}",
            totals=totals,
        )
    )
