"""Why a re-closed document is a new version, and what changed in it.

A re-close after a corrected import makes again only the documents whose content key changed
(``service.documents.content_key``). Each of them is archived as a new version with

- a reason: the user's words, or what caused it — «исправление данных журнала: снимок № 2 от
  07.12.2026», «изменение политики школы», «новая версия шаблона документа»;
- a diff summary: Russian lines naming the changed marks the document shows — student (as the
  document prints them), subject, date, old → new — computed from the journal snapshots of the
  archived version and of this close, limited to the document's class, subject and period.

Contract of :func:`describe_changes`: in — the latest archived version's catalog row, the new
document data and content key, the current snapshot; out — a JSON-ready dict (``parts``,
``causes``, ``changes``) stored in the render item's result and, by the archive step, in the
version's metadata. It reads only the rows of both snapshots within the document's class, subject
and period (the journal row tables), never a whole snapshot, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from service.documents.common import ru_date, to_jsonable

MAX_LINES = 40
"""Diff lines kept per document; more are counted in one last line."""

CAUSES = {
    "data": "изменились данные журнала",
    "policy": "изменилась политика школы",
    "template": "изменился шаблон или стиль документа",
}
REASONS = {
    "policy": "изменение политики школы",
    "template": "новая версия шаблона документа",
}
# Period marks are shown for their own period in these kinds, for every period in the others.
OWN_PERIOD_ONLY = frozenset({"journal-printout", "period-summary"})


def snapshot_label(snapshot_id: str) -> str:
    """«снимок № 2 от 07.12.2026»: the import's number in the school's year and its date."""
    from service.journal import models as db

    row = (
        db.Snapshot.objects.filter(sha256=snapshot_id)
        .only("id", "school_id", "year", "imported_at")
        .first()
    )
    if row is None:
        return "снимок журнала"
    number = db.Snapshot.objects.filter(
        school_id=row.school_id, year=row.year, id__lte=row.id
    ).count()
    return f"снимок № {number} от {ru_date(_local_date(row.imported_at))}"


def _local_date(moment: dt.datetime) -> dt.date:
    from zoneinfo import ZoneInfo

    from service.config import school_time_zone

    return moment.astimezone(ZoneInfo(school_time_zone())).date()


def correction_reason(user_reason: str, snapshot_id: str, parts: Any = ("data",)) -> str:
    """The reason of a new version: the user's words, or its causes in Russian."""
    if user_reason.strip():
        return user_reason.strip()
    reasons = []
    if "data" in parts or not parts:
        reasons.append(f"исправление данных журнала: {snapshot_label(snapshot_id)}")
    reasons += [REASONS[p] for p in ("policy", "template") if p in parts]
    return "; ".join(reasons)


# -- the diff -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """One changed value the documents may show (a mark, a period mark, an attendance code)."""

    student_id: str
    class_id: str
    subject_id: str
    date: dt.date | None  # None for a period mark
    period_id: str  # the period of a period mark; "" otherwise
    what: str  # "mark", "period_mark", "attendance"
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Scope:
    """What part of the journal a document shows (empty fields: no limit)."""

    kind: str
    class_id: str = ""
    subject_id: str = ""
    period_id: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


def scope_of(data: Any, params: dict[str, Any], snapshot: Any) -> Scope:
    """The scope of a document from its header and parameters."""
    meta = data.meta
    start = end = None
    period = snapshot.period_by_id.get(meta.period_id or params.get("period") or "")
    if period is not None:
        start, end = period.start, period.end
    month = params.get("month") or ""
    if len(month) == 7 and month[4] == "-":
        year, number = int(month[:4]), int(month[5:])
        start = dt.date(year, number, 1)
        end = dt.date(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1)
    return Scope(
        kind=meta.kind,
        class_id=meta.class_id or params.get("class") or "",
        subject_id=params.get("subject") or "",
        period_id=meta.period_id or params.get("period") or "",
        start=start,
        end=end,
    )


def scoped_changes(old_id: str, new_id: str, scope: Scope) -> list[Change]:
    """Marks, period marks and attendance codes that differ between two stored snapshots,
    within ``scope``: read from the snapshots' row tables (indexed by class, subject, period), so
    neither snapshot is loaded whole."""
    from service.journal import models as db

    pks = dict(db.Snapshot.objects.filter(sha256__in=(old_id, new_id)).values_list("sha256", "id"))
    if old_id not in pks or new_id not in pks:
        return []
    where: dict[str, Any] = {}
    if scope.class_id:
        where["class_id"] = scope.class_id
    if scope.subject_id:
        where["subject_id"] = scope.subject_id
    if scope.start:
        where["date__gte"] = scope.start
    if scope.end:
        where["date__lte"] = scope.end

    def rows(model: Any, key: tuple[str, ...], fields: tuple[str, ...], pk: int) -> dict[Any, Any]:
        found = model.objects.filter(snapshot_id=pk, **where).values_list(*key, *fields)
        return {tuple(r[: len(key)]): r[len(key) :] for r in found}

    changes: list[Change] = []
    mark_fields = ("student_id", "class_id", "subject_id", "date", "value")
    old = rows(db.SnapshotMark, ("mark_id",), mark_fields, pks[old_id])
    new = rows(db.SnapshotMark, ("mark_id",), mark_fields, pks[new_id])
    for mark_id in sorted(set(old) | set(new)):
        before, after = old.get(mark_id), new.get(mark_id)
        row = after or before
        assert row is not None
        value_before, value_after = (before[4] if before else ""), (after[4] if after else "")
        if value_before != value_after:
            changes.append(
                Change(row[0], row[1], row[2], row[3], "", "mark", value_before, value_after)
            )
    code_fields = ("class_id", "subject_id", "date", "code")
    old = rows(db.SnapshotAttendance, ("lesson_id", "student_id"), code_fields, pks[old_id])
    new = rows(db.SnapshotAttendance, ("lesson_id", "student_id"), code_fields, pks[new_id])
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        row = after or before
        assert row is not None
        code_before, code_after = (before[3] if before else ""), (after[3] if after else "")
        if code_before != code_after:
            changes.append(
                Change(key[1], row[0], row[1], row[2], "", "attendance", code_before, code_after)
            )
    changes += _period_mark_changes(pks[old_id], pks[new_id], scope)
    return changes


def _period_mark_changes(old_pk: int, new_pk: int, scope: Scope) -> list[Change]:
    from service.journal import models as db

    students = db.SnapshotStudent.objects.filter(snapshot_id__in=(old_pk, new_pk))
    if scope.class_id:
        students = students.filter(class_id=scope.class_id)
    class_of = dict(students.values_list("student_id", "class_id"))
    where: dict[str, Any] = {}
    if scope.subject_id:
        where["subject_id"] = scope.subject_id
    if scope.kind in OWN_PERIOD_ONLY and scope.period_id:
        where["period_id"] = scope.period_id

    def rows(pk: int) -> dict[tuple[str, str, str], str]:
        found = db.SnapshotPeriodMark.objects.filter(snapshot_id=pk, **where).values_list(
            "student_id", "subject_id", "period_id", "value"
        )
        return {(a, b, c): v for a, b, c, v in found if a in class_of}

    old, new = rows(old_pk), rows(new_pk)
    return [
        Change(
            k[0], class_of[k[0]], k[1], None, k[2], "period_mark", old.get(k, ""), new.get(k, "")
        )
        for k in sorted(set(old) | set(new))
        if old.get(k, "") != new.get(k, "")
    ]


def student_names(snapshot_ids: tuple[str, ...], student_ids: set[str]) -> dict[str, str]:
    """«Фамилия Имя» of students by id, from the stored snapshots (the newest wins)."""
    from service.journal import models as db

    found = (
        db.SnapshotStudent.objects.filter(
            snapshot__sha256__in=snapshot_ids, student_id__in=sorted(student_ids)
        )
        .order_by("snapshot_id")
        .values_list("student_id", "last_name", "first_name")
    )
    return {sid: f"{last} {first}".strip() for sid, last, first in found}


def _shown_names(data: Any) -> dict[str, str]:
    """Student id → the name as the document prints it (rows with ``student_id`` and ``name``)."""
    names: dict[str, str] = {}
    pending = [to_jsonable(data)]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            sid, name = value.get("student_id"), value.get("name")
            if isinstance(sid, str) and isinstance(name, str) and sid and name:
                names.setdefault(sid, name)
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return names


def change_lines(
    changes: list[Change], data: Any, snapshot: Any, names: dict[str, str]
) -> list[str]:
    """Russian lines: «Иванова Анна, Математика, 12.09.2024: 4 → 5», sorted by student, date;
    the student as the document prints them."""
    from service.russian.numbers import plural

    shown = _shown_names(data)
    rows = []
    for change in changes:
        name = shown.get(change.student_id) or names.get(change.student_id) or "ученик"
        subject_row = snapshot.subject_by_id.get(change.subject_id)
        subject = subject_row.name if subject_row is not None else change.subject_id
        old, new = change.old or "—", change.new or "—"
        if change.what == "period_mark":
            period = snapshot.period_by_id.get(change.period_id)
            when = period.name if period is not None else change.period_id
            text = f"{name}, {subject}, отметка за {when}: {old} → {new}"
        elif change.what == "attendance":
            text = f"{name}, {subject}, {ru_date(change.date)}, посещаемость: {old} → {new}"
        else:
            text = f"{name}, {subject}, {ru_date(change.date)}: {old} → {new}"
        rows.append(((name, change.date or dt.date.min, change.what), text))
    lines = [text for _, text in sorted(rows)]
    if len(lines) > MAX_LINES:
        rest = len(lines) - MAX_LINES + 1
        lines = [*lines[: MAX_LINES - 1], f"и ещё {plural(rest, 'изменение')}"]
    return lines


def describe_changes(
    latest: Any, data: Any, key: Any, snapshot: Any, params: dict[str, Any]
) -> dict[str, Any]:
    """Why the document differs from its latest archived version and what changed in it."""
    parts = key.changed_parts(latest.extra)
    if latest.snapshot_id == snapshot.snapshot_id and len(parts) > 1:
        # The same journal: the data moved because the policy or the template did.
        parts = tuple(p for p in parts if p != "data")
    lines: list[str] = []
    if "data" in parts and latest.snapshot_id and latest.snapshot_id != snapshot.snapshot_id:
        changes = scoped_changes(
            latest.snapshot_id, snapshot.snapshot_id, scope_of(data, params, snapshot)
        )
        if params.get("group"):  # a group's printout: the class's other students are not in it
            members = _shown_names(data)
            changes = [c for c in changes if c.student_id in members]
        wanted = {c.student_id for c in changes}
        names = student_names((latest.snapshot_id, snapshot.snapshot_id), wanted)
        lines = change_lines(changes, data, snapshot, names)
    causes = [CAUSES[p] for p in parts]
    if "data" in parts and not lines:
        lines = ["изменились сведения в документе (не отметки)"]
    return {
        "changed_parts": list(parts),
        "causes": causes,
        "changes": lines,
        "previous_version": latest.version,
    }
