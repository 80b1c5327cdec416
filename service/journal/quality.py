"""The data-quality report of an imported journal: warnings a school should fix, not refusals.

The import accepts a journal it can read; this report then lists what would make its documents
wrong or incomplete: period marks missing for a finished period, marks in a class that learns
without marks, topics not written in Russian, lessons whose kind of work is not given, lessons
held without a topic, marks of students who are not in the lesson's class or group. The CLI
prints it after an import and the control report «Справка о качестве данных журнала» prints it
for signing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from service.journal.grading import grading_of
from service.journal.ordering import class_id_sort_key, federal_rank, subject_sort_key
from service.journal.snapshot import (
    MARK_VALUES,
    MovementKind,
    Snapshot,
    Student,
    WorkType,
)

EXAMPLES = 5  # examples kept per finding
_FOREIGN_LANGUAGE_RANK = federal_rank("Иностранный язык")
_LATIN = re.compile(r"[A-Za-z]{2,}")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


class QualityProblem(StrEnum):
    """What is wrong; the value is a stable code, the label Russian."""

    MISSING_PERIOD_MARK = "missing_period_mark"
    MARK_WITHOUT_MARKS = "mark_in_unmarked_class"
    NOT_RUSSIAN = "not_russian"
    MISSING_WORK_TYPE = "missing_work_type"
    NO_TOPIC = "lesson_without_topic"
    FOREIGN_STUDENT = "mark_of_student_outside_lesson"


PROBLEM_LABELS: dict[str, str] = {
    QualityProblem.MISSING_PERIOD_MARK: "Нет отметки за период",
    QualityProblem.MARK_WITHOUT_MARKS: "Отметки при безотметочном обучении",
    QualityProblem.NOT_RUSSIAN: "Текст не на русском языке",
    QualityProblem.MISSING_WORK_TYPE: "Не указан вид работы",
    QualityProblem.NO_TOPIC: "Урок без темы",
    QualityProblem.FOREIGN_STUDENT: "Отметка обучающегося не из класса (группы) урока",
}


@dataclass(frozen=True, slots=True)
class QualityFinding:
    """One problem in one class and subject: how often it occurs and a few examples."""

    problem: QualityProblem
    class_id: str
    subject_id: str
    subject: str  # the subject's name
    count: int
    examples: tuple[str, ...]  # Russian: «Иванов И., 1 четверть», «12.09.2024: Natural numbers»

    @property
    def label(self) -> str:
        """The problem in Russian."""
        return PROBLEM_LABELS[self.problem]

    @property
    def message(self) -> str:
        """One Russian line: class, subject, problem, count and examples."""
        where = ", ".join(p for p in (self.class_id, self.subject) if p)
        text = f"{where}: {self.label.lower()} — {self.count}"
        if self.examples:
            more = " …" if self.count > len(self.examples) else ""
            text += f" ({'; '.join(self.examples)}{more})"
        return text


class _Collector:
    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.counts: dict[tuple[QualityProblem, str, str], int] = defaultdict(int)
        self.examples: dict[tuple[QualityProblem, str, str], list[str]] = defaultdict(list)

    def add(self, problem: QualityProblem, class_id: str, subject_id: str, example: str) -> None:
        key = (problem, class_id, subject_id)
        self.counts[key] += 1
        if len(self.examples[key]) < EXAMPLES:
            self.examples[key].append(example)

    def findings(self) -> tuple[QualityFinding, ...]:
        order = list(QualityProblem)
        subject_rank = {
            s.id: i for i, s in enumerate(sorted(self.snapshot.subjects, key=subject_sort_key))
        }
        rows = []
        for key in sorted(
            self.counts,
            key=lambda k: (
                order.index(k[0]),
                class_id_sort_key(k[1]),
                subject_rank.get(k[2], len(subject_rank)),
            ),
        ):
            problem, class_id, subject_id = key
            subject = self.snapshot.subject_by_id.get(subject_id)
            rows.append(
                QualityFinding(
                    problem,
                    class_id,
                    subject_id,
                    subject.name if subject else subject_id,
                    self.counts[key],
                    tuple(self.examples[key]),
                )
            )
        return tuple(rows)


def _ru_date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def not_russian(text: str) -> bool:
    """Whether ``text`` has Latin words and no Cyrillic letter at all («Natural numbers»)."""
    return bool(_LATIN.search(text)) and not _CYRILLIC.search(text)


def check_quality(
    snapshot: Snapshot,
    unmarked_grades: tuple[int, ...] = (1,),
    pass_fail_subjects: tuple[str, ...] = (),
) -> tuple[QualityFinding, ...]:
    """Every data-quality problem of ``snapshot``, grouped by problem, class and subject.

    Args:
        snapshot: The imported journal.
        unmarked_grades: Grades learning without marks (the school policy's ``grading``).
        pass_fail_subjects: Subjects graded «зачёт/незачёт» (the policy's ``grading``).
    """
    found = _Collector(snapshot)
    grading = grading_of(snapshot, unmarked_grades, pass_fail_subjects)
    _missing_period_marks(snapshot, grading.unmarked_classes, found)
    _marks_without_marks(snapshot, grading.unmarked_classes, found)
    _lessons(snapshot, found)
    _foreign_students(snapshot, found)
    return found.findings()


def _needs_period_mark(student: Student, start: dt.date, end: dt.date) -> bool:
    """Enrolled for the whole period: an arrival mid-period may have no mark yet."""
    if student.enrolled_on and student.enrolled_on > start:
        return False
    return not (student.left_on and student.left_on <= end)


def _missing_period_marks(snapshot: Snapshot, unmarked: frozenset[str], found: _Collector) -> None:
    finished = [p for p in snapshot.year.periods if p.end <= snapshot.as_of]
    index = snapshot.period_mark_index
    groups_of: dict[tuple[str, str], list[str | None]] = defaultdict(list)
    for a in snapshot.assignments:
        groups_of[(a.class_id, a.subject_id)].append(a.group_id)
    for (class_id, subject_id), group_ids in groups_of.items():
        school_class = snapshot.class_by_id.get(class_id)
        if school_class is None or class_id in unmarked:
            continue
        students = snapshot.students_of_class.get(class_id, ())
        if None not in group_ids:
            members = {
                sid for g in school_class.groups if g.id in group_ids for sid in g.student_ids
            }
            students = tuple(s for s in students if s.id in members)
        for period in finished:
            for student in students:
                if not _needs_period_mark(student, period.start, period.end):
                    continue
                if not index.get((student.id, subject_id, period.id)):
                    found.add(
                        QualityProblem.MISSING_PERIOD_MARK,
                        class_id,
                        subject_id,
                        f"{student.short_name}, {period.name}",
                    )


def _marks_without_marks(snapshot: Snapshot, unmarked: frozenset[str], found: _Collector) -> None:
    if not unmarked:
        return
    for mark in snapshot.marks:
        lesson = snapshot.lesson_by_id.get(mark.lesson_id)
        if lesson is None or lesson.class_id not in unmarked:
            continue
        student = snapshot.student_by_id.get(mark.student_id)
        who = student.short_name if student else mark.student_id
        found.add(
            QualityProblem.MARK_WITHOUT_MARKS,
            lesson.class_id,
            lesson.subject_id,
            f"{_ru_date(lesson.date)}: {who} — «{mark.value}»",
        )
    class_of = {s.id: s.class_id for s in snapshot.students}
    names = {p.id: p.name for p in snapshot.year.periods}
    names.update({"year": "год", "exam": "экзамен", "final": "итог"})
    for pm in snapshot.period_marks:
        class_id = class_of.get(pm.student_id, "")
        if class_id in unmarked and pm.value in MARK_VALUES:
            student = snapshot.student_by_id[pm.student_id]
            found.add(
                QualityProblem.MARK_WITHOUT_MARKS,
                class_id,
                pm.subject_id,
                f"{student.short_name}, {names.get(pm.period_id, pm.period_id)} — «{pm.value}»",
            )


def _lessons(snapshot: Snapshot, found: _Collector) -> None:
    foreign_language = {
        s.id for s in snapshot.subjects if federal_rank(s.name) == _FOREIGN_LANGUAGE_RANK
    }
    for lesson in snapshot.lessons:
        if lesson.date > snapshot.as_of:
            continue
        day = _ru_date(lesson.date)
        if not lesson.topic.strip():
            found.add(
                QualityProblem.NO_TOPIC,
                lesson.class_id,
                lesson.subject_id,
                f"{day}, урок {lesson.number}",
            )
        elif lesson.subject_id not in foreign_language:
            for text in (lesson.topic, lesson.homework):
                if text and not_russian(text):
                    found.add(
                        QualityProblem.NOT_RUSSIAN,
                        lesson.class_id,
                        lesson.subject_id,
                        f"{day}: «{text[:60]}»",
                    )
                    break
        if lesson.work_type == WorkType.OTHER:
            found.add(
                QualityProblem.MISSING_WORK_TYPE,
                lesson.class_id,
                lesson.subject_id,
                f"{day}, урок {lesson.number}",
            )


def _foreign_students(snapshot: Snapshot, found: _Collector) -> None:
    # A transferred student keeps marks of the class they came from.
    former: dict[str, set[str]] = defaultdict(set)
    for m in snapshot.movements:
        if m.kind == MovementKind.TRANSFER and m.from_class_id:
            former[m.student_id].add(m.from_class_id)
    members: dict[tuple[str, str], set[str]] = {
        (c.id, g.id): set(g.student_ids) for c in snapshot.classes for g in c.groups
    }
    for mark in snapshot.marks:
        lesson = snapshot.lesson_by_id.get(mark.lesson_id)
        if lesson is None:
            continue
        student = snapshot.student_by_id.get(mark.student_id)
        in_class = student is not None and (
            student.class_id == lesson.class_id or lesson.class_id in former[student.id]
        )
        in_group = lesson.group_id is None or mark.student_id in members.get(
            (lesson.class_id, lesson.group_id), set()
        )
        if in_class and in_group:
            continue
        who = student.short_name if student else mark.student_id
        where = (
            f"из {student.class_id} класса"
            if student is not None and not in_class
            else "не из группы урока"
            if student is not None
            else "нет в списке обучающихся"
        )
        found.add(
            QualityProblem.FOREIGN_STUDENT,
            lesson.class_id,
            lesson.subject_id,
            f"{_ru_date(lesson.date)}: {who} ({where})",
        )
