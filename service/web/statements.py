"""Statements for parents as PDF bytes: one student, or every paper family of a class."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any


class StatementProblem(Exception):
    """The statement cannot be made (the message is Russian and shown to the user)."""


def student_statement(snapshot: Any, student_id: str, period_id: str | None) -> bytes:
    """One student's statement for a period (or the year so far) as PDF bytes."""
    from service.documents.common import DocumentProblem
    from service.documents.registry import render_kind

    with tempfile.TemporaryDirectory(prefix="vedomost-st-") as tmp:
        out = Path(tmp) / "statement.pdf"
        try:
            render_kind(
                snapshot, "parent-statement", {"student": student_id, "period": period_id}, out
            )
        except DocumentProblem as exc:
            raise StatementProblem(str(exc)) from exc
        return out.read_bytes()


def paper_statements(snapshot: Any, class_id: str, period_id: str | None) -> tuple[bytes, int]:
    """Every paper family's statement of a class as one duplex-ready PDF; (bytes, students)."""
    from service.documents.common import DocumentProblem
    from service.documents.parent_statement import paper_students, render_paper_batch

    with tempfile.TemporaryDirectory(prefix="vedomost-batch-") as tmp:
        out = Path(tmp) / "statements.pdf"
        try:
            render_paper_batch(snapshot, class_id, period_id, None, None, out)
        except DocumentProblem as exc:
            raise StatementProblem(str(exc)) from exc
        return out.read_bytes(), len(paper_students(snapshot, class_id))
