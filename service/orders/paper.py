"""Who gets statements on paper: one rule for the web batch, the command line and the weekly duty.

A family gets paper statements when a guardian asked for them in the journal (``delivery`` is
«paper») or when a guardian's application for electronic delivery is refused or withdrawn in the
catalog (the consents register): the Положение об ЭЖ then obliges the school to inform the family
on paper, so the family joins the batch without anyone editing the journal.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.journal import snapshot as m
from service.orders.models import ConsentRecord

ASKED = "asked"
REFUSED = "refused"
REASON_LABELS = {ASKED: "выбрали выписки на бумаге", REFUSED: "отказ от электронной формы"}


@dataclass(frozen=True)
class PaperFamily:
    """A student whose statement goes on paper, the guardian it is addressed to, and why."""

    student_id: str
    guardian_id: str
    reason: str  # ASKED or REFUSED

    @property
    def reason_label(self) -> str:
        """Why the family gets paper, in Russian."""
        return REASON_LABELS[self.reason]


def refused_electronic(snapshot: m.Snapshot) -> set[str]:
    """Guardians whose application for electronic delivery is refused or withdrawn.

    The catalog's record wins over the journal's (it is where the school records changes); a
    guardian without a catalog record counts by the journal's consents.
    """
    kind = m.ConsentKind.ELECTRONIC_DELIVERY
    off = {ConsentRecord.Status.REFUSED, ConsentRecord.Status.WITHDRAWN}
    result = {
        c.guardian_id
        for c in snapshot.consents
        if c.kind == kind and c.status in (m.ConsentStatus.REFUSED, m.ConsentStatus.WITHDRAWN)
    }
    for guardian_id, status in ConsentRecord.objects.filter(
        school_id=snapshot.school.id, kind=kind
    ).values_list("guardian_id", "status"):
        if status in off:
            result.add(guardian_id)
        else:
            result.discard(guardian_id)
    return result


def paper_families(snapshot: m.Snapshot, class_id: str | None = None) -> list[PaperFamily]:
    """Every current student (of a class, or of the school) whose family gets paper, in class order.

    One statement per student: addressed to the first guardian who asked for paper, else to the
    first who refused electronic delivery.
    """
    refused = refused_electronic(snapshot)
    classes = [class_id] if class_id else [c.id for c in snapshot.classes]
    result = []
    for cid in classes:
        for student in snapshot.students_of_class.get(cid, ()):
            if student.left_on and student.left_on < snapshot.as_of:
                continue
            guardians = [
                g for g in (snapshot.guardian_by_id.get(x) for x in student.guardian_ids) if g
            ]
            asked = [g for g in guardians if g.delivery == m.Delivery.PAPER]
            refusing = [g for g in guardians if g.id in refused]
            if asked:
                result.append(PaperFamily(student.id, asked[0].id, ASKED))
            elif refusing:
                result.append(PaperFamily(student.id, refusing[0].id, REFUSED))
    return result
