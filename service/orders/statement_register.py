"""The register of issued statements (выписки из электронного журнала) and the paper batches.

Every paper batch (from the class page, the command line or the weekly duty) goes through
:func:`issue_paper_batch`: it asks :func:`service.orders.paper.paper_families` who gets paper,
renders one print-ready PDF for the class (kept under the data directory) and writes one register
line per statement, pending the guardian's acknowledgement. :func:`acknowledge` records the day
and the guardian's name as the guardian wrote it on the paper.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from service.errors import UserError
from service.journal import snapshot as m
from service.orders.models import StatementIssue
from service.orders.paper import PaperFamily, paper_families

SCHEDULED = "расписание: выписки для семей без интернета"
"""The user name the weekly duty records its batches under."""


class StatementError(UserError, ValueError):
    """A statement cannot be issued or acknowledged; the message is in Russian."""


@dataclass(frozen=True)
class Span:
    """What a statement covers: a period (``period_id``) or dates, and the dates it prints."""

    period_id: str | None
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class PaperBatch:
    """A class's paper batch: its id, the PDF, its pages and the register lines it wrote."""

    class_id: str
    batch: str
    path: Path
    pages: int
    issue_ids: tuple[int, ...]
    span: Span

    @property
    def statements(self) -> int:
        """How many statements (families) the batch holds."""
        return len(self.issue_ids)


def current_period(snapshot: m.Snapshot, today: dt.date) -> m.Period:
    """The period of ``today`` (or of the journal's date, if earlier), else the last one ended."""
    day = min(today, snapshot.as_of)
    period = snapshot.period_of(day)
    if period is None:
        ended = [p for p in snapshot.year.periods if p.end <= day]
        period = ended[-1] if ended else snapshot.year.periods[0]
    return period


def resolve_span(
    snapshot: m.Snapshot,
    period_id: str | None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Span:
    """The period or dates a statement covers; nothing given means the whole year so far."""
    if period_id:
        period = snapshot.period_by_id.get(period_id)
        if period is None:
            raise StatementError(f"периода «{period_id}» нет в учебном году")
        return Span(period.id, period.start, min(period.end, max(snapshot.as_of, period.start)))
    start = date_from or snapshot.year.start
    end = min(date_to or snapshot.year.end, max(snapshot.as_of, start))
    if start > end:
        raise StatementError("дата начала позже даты окончания")
    return Span(None, start, end)


def batch_folder(school_id: str) -> Path:
    """Where a school's paper batches are kept (under the data directory)."""
    from django.conf import settings

    safe = re.sub(r"[^\w-]", "_", school_id)[:64] or "school"
    return Path(settings.DATA_DIR) / "statements" / safe


def batch_path(school_id: str, class_id: str, batch: str) -> Path | None:
    """The PDF of a class's recorded batch, if the batch is known and its file is still there."""
    if not re.fullmatch(r"[\w-]{1,80}", batch):
        return None
    row = StatementIssue.objects.filter(school_id=school_id, class_id=class_id, batch=batch).first()
    if row is None or not row.file:
        return None
    path = batch_folder(school_id) / row.file
    return path if path.is_file() else None


def issue_paper_batch(
    snapshot: m.Snapshot,
    class_id: str,
    *,
    user: str,
    period_id: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    on: dt.date | None = None,
    families: list[PaperFamily] | None = None,
) -> PaperBatch:
    """Render the class's paper statements as one PDF and record each as issued on paper.

    Contract: the PDF is written first (a failed render records nothing); the register lines are
    written in one transaction afterwards.
    """
    from service.documents.common import DocumentProblem
    from service.documents.kinds.parent_statement import render_paper_batch

    school_class = snapshot.class_by_id.get(class_id)
    if school_class is None:
        raise StatementError(f"нет класса «{class_id}»")
    if families is None:
        families = paper_families(snapshot, class_id)
    if not families:
        raise StatementError(
            f"в классе {school_class.name} нет семей, получающих выписки на бумаге"
        )
    span = resolve_span(snapshot, period_id, date_from, date_to)
    day = on or dt.date.today()
    batch = (
        f"{re.sub(r'[^0-9A-Za-z]', '', class_id) or 'class'}-{day:%Y%m%d}-{uuid.uuid4().hex[:8]}"
    )
    folder = batch_folder(snapshot.school.id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{batch}.pdf"
    try:
        pack = render_paper_batch(
            snapshot,
            class_id,
            span.period_id,
            None if span.period_id else span.start.isoformat(),
            None if span.period_id else span.end.isoformat(),
            path,
            families=[(f.student_id, f.guardian_id) for f in families],
        )
    except DocumentProblem as exc:
        path.unlink(missing_ok=True)
        raise StatementError(str(exc)) from exc
    with transaction.atomic():
        rows = [
            StatementIssue.objects.create(
                school_id=snapshot.school.id,
                year_id=snapshot.year.id,
                class_id=class_id,
                student_id=f.student_id,
                guardian_id=f.guardian_id,
                period_id=span.period_id or "",
                date_from=span.start,
                date_to=span.end,
                issued_on=day,
                method=StatementIssue.PAPER,
                batch=batch,
                file=path.name,
                issued_by=user,
            )
            for f in families
        ]
    return PaperBatch(class_id, batch, pack.path, pack.pages, tuple(r.pk for r in rows), span)


def acknowledge(
    school_id: str, issue_id: int, *, by: str, on: dt.date | None = None, user: str
) -> StatementIssue:
    """Record that the guardian acknowledged a statement: the day and the name as written."""
    name = " ".join(by.split())
    if not name:
        raise StatementError("укажите, кто ознакомлен (фамилия и инициалы, как написано)")
    row = StatementIssue.objects.filter(pk=issue_id, school_id=school_id).first()
    if row is None:
        raise StatementError(f"выписки № {issue_id} в реестре нет")
    day = on or dt.date.today()
    if day > dt.date.today():
        raise StatementError(f"дата ознакомления {day:%d.%m.%Y} ещё не наступила")
    if day < row.issued_on:
        raise StatementError(
            f"дата ознакомления {day:%d.%m.%Y} раньше выдачи выписки {row.issued_on:%d.%m.%Y}"
        )
    if row.acknowledged_on is not None:
        raise StatementError(
            f"ознакомление с выпиской № {issue_id} уже отмечено "
            f"({row.acknowledged_on:%d.%m.%Y}, {row.acknowledged_by})"
        )
    row.acknowledged_on, row.acknowledged_by = day, name[:200]
    row.acknowledgement_recorded_by = user
    row.save(update_fields=["acknowledged_on", "acknowledged_by", "acknowledgement_recorded_by"])
    return row


@dataclass(frozen=True)
class IssueLine:
    """A register line for pages and the command line (names resolved from the snapshot)."""

    id: int
    class_id: str
    student: str
    guardian: str
    covers: str  # «1 четверть» or «01.09.2024 — 30.11.2024»
    issued_on: dt.date
    method: str
    method_label: str
    batch: str
    acknowledged_on: dt.date | None
    acknowledged_by: str

    @property
    def pending(self) -> bool:
        """A paper statement whose acknowledgement is not recorded yet."""
        return self.method == StatementIssue.PAPER and self.acknowledged_on is None


def register_lines(
    snapshot: m.Snapshot,
    class_id: str | None = None,
    *,
    pending: bool = False,
    limit: int | None = None,
) -> list[IssueLine]:
    """Register lines of the school (or a class), newest first; ``pending`` keeps unacknowledged."""
    rows = StatementIssue.objects.filter(school_id=snapshot.school.id)
    if class_id:
        rows = rows.filter(class_id=class_id)
    if pending:
        rows = rows.filter(method=StatementIssue.PAPER, acknowledged_on__isnull=True)
    rows = rows.order_by("-issued_on", "-pk")
    lines = []
    for r in rows[:limit] if limit else rows:
        student = snapshot.student_by_id.get(r.student_id)
        guardian = snapshot.guardian_by_id.get(r.guardian_id)
        period = snapshot.period_by_id.get(r.period_id) if r.period_id else None
        lines.append(
            IssueLine(
                id=r.pk,
                class_id=r.class_id,
                student=student.full_name if student else r.student_id,
                guardian=guardian.full_name if guardian else r.guardian_id,
                covers=period.name if period else f"{r.date_from:%d.%m.%Y} — {r.date_to:%d.%m.%Y}",
                issued_on=r.issued_on,
                method=r.method,
                method_label=r.method_label,
                batch=r.batch,
                acknowledged_on=r.acknowledged_on,
                acknowledged_by=r.acknowledged_by,
            )
        )
    return lines


@dataclass(frozen=True)
class WeeklyResult:
    """What the weekly duty issued: batches per school and the classes it could not do."""

    batches: tuple[PaperBatch, ...]
    problems: tuple[str, ...]

    @property
    def statements(self) -> int:
        """Statements issued in all batches."""
        return sum(b.statements for b in self.batches)


def weekly_paper_batches(today: dt.date, *, user: str = SCHEDULED) -> WeeklyResult:
    """The week's paper batch of every class with paper families, in every school.

    Each covers the current period up to today. A class that already has a batch issued today
    under the same user is skipped, so running the duty again for the same day adds nothing.
    """
    from service.accounts.snapshots import current_snapshot
    from service.journal.models import School

    batches, problems = [], []
    for school_id in School.objects.order_by("external_id").values_list("external_id", flat=True):
        snapshot = current_snapshot(school_id)
        if snapshot is None:
            continue
        period = current_period(snapshot, today)
        done = set(
            StatementIssue.objects.filter(
                school_id=school_id, issued_on=today, issued_by=user
            ).values_list("class_id", flat=True)
        )
        for school_class in snapshot.classes:
            families = paper_families(snapshot, school_class.id)
            if not families or school_class.id in done:
                continue
            try:
                batches.append(
                    issue_paper_batch(
                        snapshot,
                        school_class.id,
                        user=user,
                        period_id=period.id,
                        on=today,
                        families=families,
                    )
                )
            except StatementError as exc:
                problems.append(f"{school_class.name}: {exc}")
    return WeeklyResult(tuple(batches), tuple(problems))
