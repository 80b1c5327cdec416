"""Format-independent checks of a snapshot: ids, references, dates, scales.

Every adapter's output goes through :func:`check_snapshot` before it is stored. Problems are
collected, not raised one by one; a ``Locator`` turns a place in the snapshot (``("marks", 17)``)
into what the user can find in the file (a JSON pointer, a row). Messages name ids only, never
a person's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from service.journal import snapshot as m
from service.journal.errors import ProblemCollector

Path = tuple[str | int, ...]
Locator = Callable[[Path, Any], str]


def json_pointer(path: Path, obj: Any = None) -> str:
    """Locator for the JSON format: ``("marks", 17)`` → ``/marks/17``."""
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


def entity_locator(path: Path, obj: Any = None) -> str:
    """Locator for adapters without a natural place: the entity list, number and id."""
    if len(path) < 2:
        return str(path[0]) if path else ""
    where = f"{path[0]} № {int(path[1]) + 1}" if isinstance(path[1], int) else str(path[0])
    ident = getattr(obj, "id", "") if obj is not None else ""
    return f"{where} (id «{ident}»)" if ident else where


def _fmt(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


class _Checker:
    def __init__(
        self, snapshot: m.Snapshot, file: str, problems: ProblemCollector, locate: Locator
    ) -> None:
        self.s = snapshot
        self.file = file
        self.problems = problems
        self.locate = locate

    def add(self, path: Path, obj: Any, field: str, message: str) -> None:
        self.problems.add(self.file, self.locate(path, obj), field, message)

    # --- helpers ----------------------------------------------------------------------------
    def unique(
        self,
        name: str,
        items: Sequence[Any],
        key: Callable[[Any], Hashable],
        what: str,
        prefix: Path = (),
    ) -> None:
        seen: dict[Hashable, int] = {}
        for i, item in enumerate(items):
            k = key(item)
            if k in seen:
                first = self.locate((*prefix, name, seen[k]), items[seen[k]])
                self.add(
                    (*prefix, name, i),
                    item,
                    "id" if what == "id" else "",
                    f"повторяется {what} «{_show(k)}» (впервые: {first})",
                )
            else:
                seen[k] = i

    def refs(
        self,
        name: str,
        items: Iterable[Any],
        checks: Sequence[tuple[str, set[str], str]],
    ) -> None:
        """Every (field, known ids, what) of every item must name a known id (or None)."""
        for i, item in enumerate(items):
            for field, known, what in checks:
                value = getattr(item, field)
                if value is not None and value not in known:
                    message = f"неизвестный {what} «{value}»" if value else f"не указан {what}"
                    self.add((name, i), item, field, message)

    def in_year(self, path: Path, obj: Any, field: str, day: dt.date | None, what: str) -> None:
        year = self.s.year
        if day is not None and not year.start <= day <= year.end:
            self.add(
                path,
                obj,
                field,
                f"{what} {_fmt(day)} вне учебного года {year.id} "
                f"({_fmt(year.start)}–{_fmt(year.end)})",
            )

    # --- the checks ---------------------------------------------------------------------------
    def run(self) -> None:
        s = self.s
        self.check_year()
        for name in (
            "staff",
            "classes",
            "students",
            "guardians",
            "subjects",
            "assignments",
            "lessons",
            "marks",
            "movements",
            "substitutions",
            "consents",
        ):
            self.unique(name, getattr(s, name), lambda x: x.id, "id")
        self.unique(
            "attendance",
            s.attendance,
            lambda a: (a.lesson_id, a.student_id),
            "отметка посещаемости для урока и ученика",
        )
        self.unique(
            "period_marks",
            s.period_marks,
            lambda p: (p.student_id, p.subject_id, p.period_id),
            "отметка за период для ученика, предмета и периода",
        )
        self.unique("decisions", s.decisions, lambda d: d.student_id, "решение для ученика")

        staff = {x.id for x in s.staff}
        classes = {x.id for x in s.classes}
        students = {x.id for x in s.students}
        guardians = {x.id for x in s.guardians}
        subjects = {x.id for x in s.subjects}
        lessons = {x.id for x in s.lessons}
        groups = {(c.id, g.id) for c in s.classes for g in c.groups}

        if s.school.director_id not in staff:
            self.add(
                ("school",),
                None,
                "director_id",
                f"директор «{s.school.director_id}» не найден среди сотрудников (staff)",
            )
        self.check_classes(staff, students)
        self.refs("students", s.students, [("class_id", classes, "класс")])
        for i, st in enumerate(s.students):
            for gid in st.guardian_ids:
                if gid not in guardians:
                    self.add(("students", i), st, "guardian_ids", f"неизвестный родитель «{gid}»")
            if st.enrolled_on and st.left_on and st.left_on < st.enrolled_on:
                self.add(("students", i), st, "left_on", "дата выбытия раньше даты зачисления")
        self.refs(
            "assignments",
            s.assignments,
            [
                ("class_id", classes, "класс"),
                ("subject_id", subjects, "предмет"),
                ("teacher_id", staff, "учитель"),
            ],
        )
        self.check_groups("assignments", s.assignments, groups)
        self.refs(
            "lessons",
            s.lessons,
            [
                ("class_id", classes, "класс"),
                ("subject_id", subjects, "предмет"),
                ("teacher_id", staff, "учитель"),
                ("substitute_id", staff, "заменяющий учитель"),
            ],
        )
        self.check_groups("lessons", s.lessons, groups)
        for i, lesson in enumerate(s.lessons):
            self.in_year(("lessons", i), lesson, "date", lesson.date, "дата урока")
        self.refs(
            "marks", s.marks, [("lesson_id", lessons, "урок"), ("student_id", students, "ученик")]
        )
        for i, mark in enumerate(s.marks):
            if mark.value not in _MARK_VALUES:
                self.add(("marks", i), mark, "value", f"отметка «{mark.value}» вне шкалы 1–5")
        self.refs(
            "attendance",
            s.attendance,
            [("lesson_id", lessons, "урок"), ("student_id", students, "ученик")],
        )
        self.check_period_marks(students, subjects)
        self.refs("decisions", s.decisions, [("student_id", students, "ученик")])
        self.refs(
            "movements",
            s.movements,
            [
                ("student_id", students, "ученик"),
                ("from_class_id", classes, "класс"),
                ("to_class_id", classes, "класс"),
            ],
        )
        for i, mv in enumerate(s.movements):
            self.in_year(("movements", i), mv, "date", mv.date, "дата движения")
        self.refs(
            "substitutions",
            s.substitutions,
            [
                ("class_id", classes, "класс"),
                ("subject_id", subjects, "предмет"),
                ("absent_teacher_id", staff, "отсутствующий учитель"),
                ("substitute_id", staff, "заменяющий учитель"),
                ("lesson_id", lessons, "урок"),
            ],
        )
        for i, sub in enumerate(s.substitutions):
            self.in_year(("substitutions", i), sub, "date", sub.date, "дата замены")
        self.refs(
            "consents",
            s.consents,
            [("guardian_id", guardians, "родитель"), ("student_id", students, "ученик")],
        )

    def check_year(self) -> None:
        year = self.s.year
        if year.end <= year.start:
            self.add(("year",), None, "end", "конец учебного года не позже его начала")
        if self.s.as_of < year.start:
            self.add(
                ("as_of",),
                None,
                "",
                f"дата выгрузки {_fmt(self.s.as_of)} раньше начала "
                f"учебного года {_fmt(year.start)}",
            )
        self.unique("periods", year.periods, lambda p: p.id, "id", prefix=("year",))
        previous: m.Period | None = None
        for period in sorted(year.periods, key=lambda p: (p.start, p.end)):
            index = year.periods.index(period)
            path = ("year", "periods", index)
            if period.id in m.SPECIAL_PERIOD_IDS:
                self.add(
                    path,
                    period,
                    "id",
                    f"id «{period.id}» зарезервирован для годовых, "
                    "экзаменационных и итоговых отметок",
                )
            if period.end < period.start:
                self.add(path, period, "end", "конец периода раньше его начала")
            self.in_year(path, period, "start", period.start, "начало периода")
            self.in_year(path, period, "end", period.end, "конец периода")
            if previous is not None and period.start <= previous.end:
                self.add(path, period, "start", f"период пересекается с периодом «{previous.id}»")
            previous = period
        for i, holiday in enumerate(year.holidays):
            path = ("year", "holidays", i)
            if holiday.end < holiday.start:
                self.add(path, holiday, "end", "конец каникул раньше их начала")

    def check_classes(self, staff: set[str], students: set[str]) -> None:
        for i, cls in enumerate(self.s.classes):
            if cls.teacher_id is not None and cls.teacher_id not in staff:
                self.add(
                    ("classes", i),
                    cls,
                    "teacher_id",
                    f"неизвестный классный руководитель «{cls.teacher_id}»",
                )
            self.unique("groups", cls.groups, lambda g: g.id, "id", prefix=("classes", i))
            for j, group in enumerate(cls.groups):
                for sid in group.student_ids:
                    if sid not in students:
                        self.add(
                            ("classes", i, "groups", j),
                            group,
                            "student_ids",
                            f"неизвестный ученик «{sid}»",
                        )

    def check_groups(self, name: str, items: Sequence[Any], groups: set[tuple[str, str]]) -> None:
        for i, item in enumerate(items):
            if item.group_id is not None and (item.class_id, item.group_id) not in groups:
                self.add(
                    (name, i),
                    item,
                    "group_id",
                    f"группа «{item.group_id}» не найдена в классе «{item.class_id}»",
                )

    def check_period_marks(self, students: set[str], subjects: set[str]) -> None:
        periods = {p.id for p in self.s.year.periods} | set(m.SPECIAL_PERIOD_IDS)
        self.refs(
            "period_marks",
            self.s.period_marks,
            [
                ("student_id", students, "ученик"),
                ("subject_id", subjects, "предмет"),
                ("period_id", periods, "период"),
            ],
        )
        for i, pm in enumerate(self.s.period_marks):
            if pm.value not in _PERIOD_MARK_VALUES:
                self.add(
                    ("period_marks", i),
                    pm,
                    "value",
                    f"отметка за период «{pm.value}» недопустима; допустимы: "
                    + ", ".join(m.PERIOD_MARK_VALUES),
                )


_MARK_VALUES = frozenset(m.MARK_VALUES)
_PERIOD_MARK_VALUES = frozenset(m.PERIOD_MARK_VALUES)


def _show(key: Hashable) -> str:
    return " / ".join(map(str, key)) if isinstance(key, tuple) else str(key)


def check_snapshot(
    snapshot: m.Snapshot, file: str, problems: ProblemCollector, locate: Locator = entity_locator
) -> None:
    """Add every problem of ``snapshot`` to ``problems``: duplicate ids, references, dates."""
    _Checker(snapshot, file, problems, locate).run()
