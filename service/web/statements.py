"""One student's statement for parents as PDF bytes (batches: ``orders.statement_register``)."""

from __future__ import annotations

import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from service.errors import UserError

# One render at a time in a server process: renders are CPU-bound and hold the GIL, so two at
# once in one process take twice as long each; in turn, the first is done in half the time.
_render_lock = threading.Lock()


class StatementProblem(UserError):
    """The statement cannot be made (the message is Russian and shown to the user)."""


def sentence(text: str) -> str:
    """A builder's message as a sentence on a page: capital first letter, full stop."""
    text = text.strip()
    if not text:
        return "Выписку сформировать не удалось."
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _year_range(snapshot: Any, period_id: str | None) -> tuple[str | None, str | None]:
    """Dates for «весь год»: from the start of the school year to the date of the journal."""
    if period_id:
        return None, None
    year = snapshot.year
    return year.start.isoformat(), min(year.end, snapshot.as_of).isoformat()


def _cache_file(snapshot: Any, student_id: str, period_id: str | None) -> Path | None:
    """Where a rendered statement is kept: it is a pure function of the immutable snapshot."""
    from django.conf import settings

    from service.config import statement_cache

    if not statement_cache() or not snapshot.snapshot_id:
        return None
    if not re.fullmatch(r"[\w-]{1,80}", f"{student_id}{period_id or ''}"):
        return None
    folder = Path(settings.DATA_DIR) / "cache" / "statements" / snapshot.snapshot_id[:32]
    return folder / f"{student_id}--{period_id or 'year'}.pdf"


def student_statement(snapshot: Any, student_id: str, period_id: str | None) -> bytes:
    """One student's statement for a period (or the year so far) as PDF bytes (cached on disk)."""
    cached = _cache_file(snapshot, student_id, period_id)
    if cached is not None and cached.is_file():
        return cached.read_bytes()
    with _render_lock:
        if cached is not None and cached.is_file():  # rendered by another request meanwhile
            return cached.read_bytes()
        return _render(snapshot, student_id, period_id, cached)


def _render(snapshot: Any, student_id: str, period_id: str | None, cached: Path | None) -> bytes:
    from service.documents.common import DocumentProblem
    from service.documents.kinds import render_kind
    from service.jobs.period_close import write_atomically

    with tempfile.TemporaryDirectory(prefix="vedomost-st-") as tmp:
        out = Path(tmp) / "statement.pdf"
        try:
            start, end = _year_range(snapshot, period_id)
            params = {"student": student_id, "period": period_id, "from": start, "to": end}
            render_kind(snapshot, "parent-statement", params, out)
        except DocumentProblem as exc:
            raise StatementProblem(sentence(str(exc))) from exc
        data = out.read_bytes()
    if cached is not None:
        write_atomically(cached, data)
    return data
