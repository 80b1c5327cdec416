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
version's metadata. It reads the old snapshot from the catalog (once per process per pair of
snapshots) and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
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
class _Diff:
    changes: tuple[Change, ...]
    names: dict[str, str]  # student id → «Фамилия Имя» (new snapshot, else old)
    subjects: dict[str, str]
    lessons: tuple[Any, ...]  # service.journal.diff.LessonChange
    students: tuple[Any, ...]  # service.journal.diff.StudentChange


_lock = threading.Lock()
_diffs: dict[tuple[str, str], _Diff] = {}


def snapshot_changes(old_id: str, new: Any) -> _Diff:
    """What changed from the snapshot ``old_id`` to ``new`` (kept per process for one pair)."""
    with _lock:
        known = _diffs.get((old_id, new.snapshot_id))
        if known is not None:
            return known
    from service.journal.diff import diff_snapshots
    from service.journal.store import load_snapshot

    old = load_snapshot(old_id)
    diff = diff_snapshots(old, new)
    lessons = {**old.lesson_by_id, **new.lesson_by_id}
    changes = [
        Change(
            c.student_id,
            c.class_id,
            c.subject_id,
            c.date,
            "",
            "mark",
            c.old_value or "",
            c.new_value or "",
        )
        for c in diff.marks
        if (c.old_value or "") != (c.new_value or "")
    ]
    student_class = {s.id: s.class_id for s in (*old.students, *new.students)}
    changes += [
        Change(
            c.student_id,
            student_class.get(c.student_id, ""),
            c.subject_id,
            None,
            c.period_id,
            "period_mark",
            c.old_value or "",
            c.new_value or "",
        )
        for c in diff.period_marks
    ]
    old_codes = {(a.lesson_id, a.student_id): str(a.code) for a in old.attendance}
    new_codes = {(a.lesson_id, a.student_id): str(a.code) for a in new.attendance}
    for key in sorted(set(old_codes) | set(new_codes)):
        before, after = old_codes.get(key, ""), new_codes.get(key, "")
        lesson = lessons.get(key[0])
        if before != after and lesson is not None:
            changes.append(
                Change(
                    key[1],
                    lesson.class_id,
                    lesson.subject_id,
                    lesson.date,
                    "",
                    "attendance",
                    before,
                    after,
                )
            )
    names = {s.id: f"{s.last_name} {s.first_name}" for s in (*old.students, *new.students)}
    result = _Diff(
        tuple(changes),
        names,
        {s.id: s.name for s in (*old.subjects, *new.subjects)},
        diff.lessons,
        diff.students,
    )
    with _lock:
        _diffs.clear()  # one pair at a time per process is plenty
        _diffs[(old_id, new.snapshot_id)] = result
    return result


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


@dataclass(frozen=True, slots=True)
class Scope:
    """What part of the journal a document shows (empty fields: no limit)."""

    kind: str
    class_id: str = ""
    subject_id: str = ""
    period_id: str = ""
    start: dt.date | None = None
    end: dt.date | None = None

    def holds(self, change: Change) -> bool:
        if self.class_id and change.class_id != self.class_id:
            return False
        if self.subject_id and change.subject_id != self.subject_id:
            return False
        if change.what == "period_mark":
            return not (
                self.kind in OWN_PERIOD_ONLY and self.period_id and change.period_id != self.period_id
            )
        if change.date is None:
            return True
        if self.start and change.date < self.start:
            return False
        return not (self.end and change.date > self.end)


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


LESSON_FIELDS = {
    "topic": "тема",
    "homework": "домашнее задание",
    "date": "дата",
    "number": "номер урока",
    "teacher_id": "учитель",
    "substitute_id": "замещающий учитель",
    "work_type": "вид работы",
}
PERIOD_NAMES_FALLBACK = "за период"


def change_lines(diff: _Diff, scope: Scope, data: Any, snapshot: Any) -> list[str]:
    """Russian lines: «Иванова Анна, Математика, 12.09.2024: 4 → 5», sorted by student, date."""
    from service.russian.numbers import plural

    shown = _shown_names(data)
    rows = []
    for change in diff.changes:
        if not scope.holds(change):
            continue
        name = shown.get(change.student_id) or diff.names.get(change.student_id, "ученик")
        subject = diff.subjects.get(change.subject_id, change.subject_id)
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
    for lesson in diff.lessons:
        in_scope = Change("", lesson.class_id, lesson.subject_id, lesson.date, "", "lesson", "", "")
        if scope.holds(in_scope):
            subject = diff.subjects.get(lesson.subject_id, lesson.subject_id)
            what = {"added": "добавлен", "removed": "удалён"}.get(lesson.kind)
            if what is None:
                fields = [LESSON_FIELDS[f] for f in lesson.fields if f in LESSON_FIELDS]
                what = "изменены: " + ", ".join(fields) if fields else "изменён"
            rows.append(
                (("", lesson.date, "lesson"), f"урок {ru_date(lesson.date)}, {subject}: {what}")
            )
    for student in diff.students:
        if scope.class_id and student.class_id != scope.class_id:
            continue
        name = shown.get(student.student_id) or diff.names.get(student.student_id, "ученик")
        what = {"added": "добавлен в журнал", "removed": "удалён из журнала"}.get(
            student.kind, "изменены сведения об ученике"
        )
        rows.append(((name, dt.date.min, "student"), f"{name}: {what}"))
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
        diff = snapshot_changes(latest.snapshot_id, snapshot)
        lines = change_lines(diff, scope_of(data, params, snapshot), data, snapshot)
    causes = [CAUSES[p] for p in parts]
    if "data" in parts and not lines:
        lines = ["изменились сведения в документе (не отметки)"]
    return {
        "changed_parts": list(parts),
        "causes": causes,
        "changes": lines,
        "previous_version": latest.version,
    }
