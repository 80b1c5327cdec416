"""Which classes and subjects are graded with marks, read from the journal and the school policy.

The 1st grade learns without marks (безотметочное обучение) and some subjects are graded
«зачёт/незачёт» (ОРКСЭ, ОДНКНР in many schools): mark-based checks and statistics leave them out.
The journal tells which by its period marks («безотм», «зач»/«незач»); the school policy names
the grades and subjects for the time before any period mark is given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from service.journal.snapshot import (
    EXEMPT,
    FAIL,
    MARK_VALUES,
    NO_MARKS,
    NOT_ATTESTED,
    PASS,
    Snapshot,
)

PASS_FAIL_VALUES = (PASS, FAIL)


@dataclass(frozen=True, slots=True)
class Grading:
    """Where marks are given: classes without marks and (class, subject) pairs graded pass/fail."""

    unmarked_classes: frozenset[str]
    pass_fail: frozenset[tuple[str, str]]  # (class id, subject id)

    def is_unmarked(self, class_id: str) -> bool:
        """Whether the class learns without marks."""
        return class_id in self.unmarked_classes

    def is_pass_fail(self, class_id: str, subject_id: str) -> bool:
        """Whether the subject is graded «зачёт/незачёт» in the class."""
        return (class_id, subject_id) in self.pass_fail

    def is_marked(self, class_id: str, subject_id: str) -> bool:
        """Whether marks 5..1 are given for the subject in the class (mark-based checks apply)."""
        return not self.is_unmarked(class_id) and not self.is_pass_fail(class_id, subject_id)


def grading_of(
    snapshot: Snapshot,
    unmarked_grades: Iterable[int] = (),
    pass_fail_subjects: Iterable[str] = (),
) -> Grading:
    """The grading of every class and subject of ``snapshot``.

    Args:
        snapshot: The journal.
        unmarked_grades: Grades the school policy names as learning without marks.
        pass_fail_subjects: Subject ids or names the policy names as graded pass/fail.
    """
    grades = set(unmarked_grades)
    named = {s.strip().lower() for s in pass_fail_subjects}
    class_of = {s.id: s.class_id for s in snapshot.students}
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    class_values: dict[str, set[str]] = defaultdict(set)
    for mark in snapshot.period_marks:
        class_id = class_of.get(mark.student_id)
        if class_id is None:
            continue
        values[(class_id, mark.subject_id)].add(mark.value)
        class_values[class_id].add(mark.value)
    lesson_marked = {
        snapshot.lesson_by_id[lesson_id].class_id
        for lesson_id in snapshot.marks_of_lesson
        if lesson_id in snapshot.lesson_by_id
    }
    unmarked = frozenset(
        c.id
        for c in snapshot.classes
        if c.grade in grades
        or (
            (class_values.get(c.id) and class_values[c.id] <= {NO_MARKS, EXEMPT, NOT_ATTESTED})
            and NO_MARKS in class_values[c.id]
            and c.id not in lesson_marked
        )
    )
    pass_fail = set()
    for assignment in snapshot.assignments:
        key = (assignment.class_id, assignment.subject_id)
        subject = snapshot.subject_by_id.get(assignment.subject_id)
        seen = values.get(key, set())
        if seen & set(MARK_VALUES):
            continue
        if seen & set(PASS_FAIL_VALUES) or (
            subject is not None and {subject.id.lower(), subject.name.lower()} & named
        ):
            pass_fail.add(key)
    return Grading(unmarked, frozenset(pass_fail))
