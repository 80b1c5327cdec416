"""What changed between two snapshots of the same school and year (correction control).

Entities are matched by their ids (marks, lessons, students) or natural keys (period marks:
student, subject, period). A change lists the fields that differ; mark changes also carry the old
and new value and where the mark sits (class, subject, date), so a report can say «5А, математика,
12.09: 4 → 5» without the snapshots at hand. No personal names are copied into the diff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from service.journal import snapshot as m

ChangeKind = Literal["added", "changed", "removed"]
_KIND_ORDER = {"added": 0, "changed": 1, "removed": 2}


@dataclass(frozen=True, slots=True)
class MarkChange:
    kind: ChangeKind
    mark_id: str
    student_id: str
    lesson_id: str
    class_id: str
    subject_id: str
    date: dt.date | None
    old_value: str | None
    new_value: str | None
    fields: tuple[str, ...] = ()  # for «changed»: which fields differ


@dataclass(frozen=True, slots=True)
class LessonChange:
    kind: ChangeKind
    lesson_id: str
    class_id: str
    subject_id: str
    date: dt.date
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StudentChange:
    kind: ChangeKind
    student_id: str
    class_id: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PeriodMarkChange:
    kind: ChangeKind
    student_id: str
    subject_id: str
    period_id: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True, slots=True)
class SnapshotDiff:
    """Changes from ``old_id`` to ``new_id``; every tuple is sorted (kind, then ids)."""

    old_id: str
    new_id: str
    marks: tuple[MarkChange, ...]
    lessons: tuple[LessonChange, ...]
    students: tuple[StudentChange, ...]
    period_marks: tuple[PeriodMarkChange, ...]
    attendance_added: int
    attendance_removed: int

    @property
    def is_empty(self) -> bool:
        return not (
            self.marks
            or self.lessons
            or self.students
            or self.period_marks
            or self.attendance_added
            or self.attendance_removed
        )

    def counts(self) -> dict[str, dict[str, int]]:
        """{"marks": {"added": n, "changed": n, "removed": n}, …}."""
        out: dict[str, dict[str, int]] = {}
        for name in ("marks", "lessons", "students", "period_marks"):
            tally = {"added": 0, "changed": 0, "removed": 0}
            for change in getattr(self, name):
                tally[change.kind] += 1
            out[name] = tally
        out["attendance"] = {
            "added": self.attendance_added,
            "changed": 0,
            "removed": self.attendance_removed,
        }
        return out

    def summary(self) -> str:
        """One Russian line per kind of entity that changed, or «изменений нет»."""
        if self.is_empty:
            return "изменений нет"
        labels = {
            "marks": "Отметки",
            "lessons": "Уроки",
            "students": "Ученики",
            "period_marks": "Отметки за период",
            "attendance": "Посещаемость",
        }
        lines = []
        for name, tally in self.counts().items():
            parts = [
                f"{word} {tally[key]}"
                for key, word in (
                    ("added", "добавлено"),
                    ("changed", "изменено"),
                    ("removed", "удалено"),
                )
                if tally[key]
            ]
            if parts:
                lines.append(f"{labels[name]}: " + ", ".join(parts))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO strings)."""

        def plain(obj: Any) -> Any:
            data = dataclasses.asdict(obj)
            return {
                k: (
                    v.isoformat()
                    if isinstance(v, dt.date)
                    else list(v)
                    if isinstance(v, tuple)
                    else v
                )
                for k, v in data.items()
            }

        return {
            "old_id": self.old_id,
            "new_id": self.new_id,
            "counts": self.counts(),
            "marks": [plain(c) for c in self.marks],
            "lessons": [plain(c) for c in self.lessons],
            "students": [plain(c) for c in self.students],
            "period_marks": [plain(c) for c in self.period_marks],
        }


def _changed_fields(old: Any, new: Any, ignore: Sequence[str] = ()) -> tuple[str, ...]:
    return tuple(
        f.name
        for f in dataclasses.fields(old)
        if f.name not in ignore and getattr(old, f.name) != getattr(new, f.name)
    )


def _match(
    old: Sequence[Any], new: Sequence[Any], key: Callable[[Any], Hashable]
) -> tuple[list[Any], list[tuple[Any, Any]], list[Any]]:
    """(added, [(old, new) that differ], removed)."""
    old_by = {key(x): x for x in old}
    new_by = {key(x): x for x in new}
    added = [x for k, x in new_by.items() if k not in old_by]
    removed = [x for k, x in old_by.items() if k not in new_by]
    changed = [(old_by[k], x) for k, x in new_by.items() if k in old_by and old_by[k] != x]
    return added, changed, removed


def diff_snapshots(old: m.Snapshot, new: m.Snapshot) -> SnapshotDiff:
    """Changes from ``old`` to ``new`` (marks, lessons, students, period marks, attendance)."""
    lessons = {**old.lesson_by_id, **new.lesson_by_id}  # where a mark sits, either side

    def mark_change(
        kind: ChangeKind, old_mark: m.Mark | None, new_mark: m.Mark | None
    ) -> MarkChange:
        mark = new_mark or old_mark
        assert mark is not None
        lesson = lessons.get(mark.lesson_id)
        fields = _changed_fields(old_mark, new_mark) if old_mark and new_mark else ()
        return MarkChange(
            kind,
            mark.id,
            mark.student_id,
            mark.lesson_id,
            lesson.class_id if lesson else "",
            lesson.subject_id if lesson else "",
            lesson.date if lesson else None,
            old_mark.value if old_mark else None,
            new_mark.value if new_mark else None,
            fields,
        )

    added, changed, removed = _match(old.marks, new.marks, lambda x: x.id)
    marks = (
        [mark_change("added", None, x) for x in added]
        + [mark_change("changed", a, b) for a, b in changed]
        + [mark_change("removed", x, None) for x in removed]
    )

    added, changed, removed = _match(old.lessons, new.lessons, lambda x: x.id)
    lesson_changes = (
        [LessonChange("added", x.id, x.class_id, x.subject_id, x.date) for x in added]
        + [
            LessonChange("changed", b.id, b.class_id, b.subject_id, b.date, _changed_fields(a, b))
            for a, b in changed
        ]
        + [LessonChange("removed", x.id, x.class_id, x.subject_id, x.date) for x in removed]
    )

    added, changed, removed = _match(old.students, new.students, lambda x: x.id)
    student_changes = (
        [StudentChange("added", x.id, x.class_id) for x in added]
        + [StudentChange("changed", b.id, b.class_id, _changed_fields(a, b)) for a, b in changed]
        + [StudentChange("removed", x.id, x.class_id) for x in removed]
    )

    key = lambda p: (p.student_id, p.subject_id, p.period_id)  # noqa: E731
    added, changed, removed = _match(old.period_marks, new.period_marks, key)
    period_changes = (
        [PeriodMarkChange("added", *key(x), None, x.value) for x in added]
        + [PeriodMarkChange("changed", *key(b), a.value, b.value) for a, b in changed]
        + [PeriodMarkChange("removed", *key(x), x.value, None) for x in removed]
    )

    old_att = {(a.lesson_id, a.student_id, a.code) for a in old.attendance}
    new_att = {(a.lesson_id, a.student_id, a.code) for a in new.attendance}

    def ordered(items: list[Any], ident: Callable[[Any], Any]) -> tuple[Any, ...]:
        return tuple(sorted(items, key=lambda c: (_KIND_ORDER[c.kind], ident(c))))

    return SnapshotDiff(
        old_id=old.snapshot_id,
        new_id=new.snapshot_id,
        marks=ordered(marks, lambda c: c.mark_id),
        lessons=ordered(lesson_changes, lambda c: c.lesson_id),
        students=ordered(student_changes, lambda c: c.student_id),
        period_marks=ordered(period_changes, lambda c: (c.student_id, c.subject_id, c.period_id)),
        attendance_added=len(new_att - old_att),
        attendance_removed=len(old_att - new_att),
    )
