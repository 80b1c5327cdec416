"""Consents to personal-data processing and applications for electronic delivery."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

from service.journal.snapshot import ConsentKind, ConsentStatus
from service.sample.calendar import SchoolCalendar
from service.sample.people import GuardianRec, StudentRec


@dataclass(frozen=True, slots=True)
class ConsentRec:
    """A consent or an application by a guardian for a student."""

    id: str
    guardian_id: str
    student_id: str
    kind: str
    status: str
    date: dt.date | None
    withdrawn_on: dt.date | None


@dataclass(frozen=True, slots=True)
class ConsentBook:
    """Consents, and the guardians (families that refused consent get paper delivery)."""

    consents: tuple[ConsentRec, ...]
    guardians: tuple[GuardianRec, ...]


def make_consents(
    students: tuple[StudentRec, ...],
    guardians: list[GuardianRec],
    calendar: SchoolCalendar,
    rng: random.Random,
) -> ConsentBook:
    """One personal-data consent per student from the first guardian.

    Most are given, some pending, a few refused, one withdrawn; families that chose electronic
    delivery also apply for it.
    """
    first_day = calendar.school_days[0]
    mid_days = [
        d
        for d in calendar.school_days
        if calendar.winter_term.start <= d <= calendar.spring_term.end
    ]
    by_id = {g.id: g for g in guardians}
    n = len(students)
    order = list(range(n))
    rng.shuffle(order)
    refused = set(order[: max(1, n // 150)])
    withdrawn = {order[max(1, n // 150)]}
    pending = set(order[max(1, n // 150) + 1 : max(1, n // 150) + 1 + max(1, n // 25)])
    status_of: dict[int, str] = {}
    for i in range(n):
        status_of[i] = (
            ConsentStatus.REFUSED
            if i in refused
            else ConsentStatus.WITHDRAWN
            if i in withdrawn
            else ConsentStatus.PENDING
            if i in pending
            else ConsentStatus.GIVEN
        )
    # Families that refused or withdrew consent cannot use the e-diary: they get paper statements.
    to_paper = {
        gid
        for i, s in enumerate(students)
        if status_of[i] in (ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN)
        for gid in s.guardian_ids
    }
    for gid in sorted(to_paper):
        by_id[gid] = replace(by_id[gid], paper=True)

    consents: list[ConsentRec] = []
    for i, s in enumerate(students):
        guardian = by_id[s.guardian_ids[0]]
        start = max(s.enrolled_on, first_day)
        given_on = (
            start - dt.timedelta(days=rng.randint(0, 10))
            if s.enrolled_on <= first_day
            else s.enrolled_on
        )
        status = status_of[i]
        date: dt.date | None = None if status == ConsentStatus.PENDING else given_on
        withdrawn_on = rng.choice(mid_days) if status == ConsentStatus.WITHDRAWN else None
        consents.append(
            ConsentRec("", guardian.id, s.id, ConsentKind.PERSONAL_DATA, status, date, withdrawn_on)
        )
        if not guardian.paper and status in (ConsentStatus.GIVEN, ConsentStatus.PENDING):
            consents.append(
                ConsentRec(
                    "", guardian.id, s.id, ConsentKind.ELECTRONIC_DELIVERY, status, date, None
                )
            )
    numbered = tuple(replace(c, id=f"c{k + 1:05d}") for k, c in enumerate(consents))
    return ConsentBook(numbered, tuple(by_id[g.id] for g in guardians))
