"""Yearly summary statement of final marks (сводная ведомость итоговых отметок за учебный год)."""

from __future__ import annotations

from service.documents.common import class_students, get_class, make_meta, ru_date
from service.documents.data import YearCell, YearData, YearRow
from service.documents.summary import class_subjects
from service.journal.snapshot import DECISION_LABELS, EXAM, FINAL, YEAR, Snapshot

KIND = "year-statement"


def build_year_statement(snapshot: Snapshot, class_id: str | None) -> YearData:
    """Every period, year, exam and final mark per student and subject, with the decision."""
    school_class = get_class(snapshot, class_id)
    subjects = class_subjects(snapshot, school_class.id)
    periods = snapshot.year.periods
    students = class_students(snapshot, school_class.id, snapshot.year.start, snapshot.year.end)
    index = snapshot.period_mark_index
    rows = []
    for number, student in enumerate(students, start=1):
        cells = tuple(
            YearCell(
                periods=tuple(index.get((student.id, s.id, p.id), "") for p in periods),
                year=index.get((student.id, s.id, YEAR), ""),
                exam=index.get((student.id, s.id, EXAM), ""),
                final=index.get((student.id, s.id, FINAL), ""),
            )
            for s in subjects
        )
        decision = snapshot.decision_of_student.get(student.id)
        order = ""
        if decision and decision.order_number:
            order = f"№ {decision.order_number}"
            if decision.order_date:
                order += f" от {ru_date(decision.order_date)}"
        rows.append(
            YearRow(
                number=number,
                student_id=student.id,
                name=student.short_name,
                cells=cells,
                decision=DECISION_LABELS.get(decision.decision, "") if decision else "",
                order=order,
                note=decision.note if decision else "",
            )
        )
    show_exam = any(c.exam for r in rows for c in r.cells)
    return YearData(
        meta=make_meta(
            snapshot,
            KIND,
            "Сводная ведомость итоговых отметок за учебный год",
            {"class": school_class.id},
            class_id=school_class.id,
            period_name=f"{snapshot.year.id} учебный год",
            signatures=("class_teacher", "director"),
        ),
        periods=tuple(_short_period(p.name) for p in periods),
        subjects=tuple(s.short_name or s.name for s in subjects),
        rows=tuple(rows),
        show_exam=show_exam,
    )


def _short_period(name: str) -> str:
    return (
        name.replace(" четверть", " ч.").replace(" полугодие", " п/г").replace(" триместр", " тр.")
    )
