"""Page layout helpers: how wide grids are split into pages (presentation only, not data)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from service.documents.common import MONTHS_NOMINATIVE
from service.documents.data import LessonColumn, PrintoutData, YearData

# Lesson columns per landscape A4 page at 7.4 mm each; a 60-lesson quarter takes three pages.
DAYS_PER_PAGE = 25


@dataclass(frozen=True, slots=True)
class GridChunk:
    """One page-width slice of a marks grid: which lesson columns, their month headers."""

    number: int
    first: int  # index of the first column in the full grid
    columns: tuple[LessonColumn, ...]
    months: tuple[tuple[str, int], ...]  # (month name, column span)
    last: bool


def split_columns(
    columns: tuple[LessonColumn, ...], per_page: int = DAYS_PER_PAGE
) -> list[GridChunk]:
    """Split lesson columns into page-width chunks of at most ``per_page``, balanced in size."""
    if not columns:
        return [GridChunk(1, 0, (), (), True)]
    count = -(-len(columns) // per_page)
    size = -(-len(columns) // count)
    chunks = []
    for number, first in enumerate(range(0, len(columns), size), start=1):
        part = columns[first : first + size]
        months: list[tuple[str, int]] = []
        for column in part:
            name = MONTHS_NOMINATIVE[column.date.month - 1].capitalize()
            if months and months[-1][0] == name:
                months[-1] = (name, months[-1][1] + 1)
            else:
                months.append((name, 1))
        chunks.append(GridChunk(number, first, part, tuple(months), first + size >= len(columns)))
    return chunks


# Width of a lesson column in CSS px (7.41 mm): a whole number, the tab stops of a marks row.
DAY_COLUMN_PX = 28


def day_lines(count: int) -> str:
    """A data URI of an SVG with the vertical lines between ``count`` day columns.

    Drawn once behind a marks table (CSS background) instead of per-cell borders: each line is a
    0.5 pt (2/3 px) filled rectangle centred on a column boundary.
    """
    width = count * DAY_COLUMN_PX
    rects = "".join(
        f"<rect x='{k * DAY_COLUMN_PX - 1 / 3:.4f}' y='0' width='0.6667' height='1'/>"
        for k in range(1, count)
    )
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='1' "
        f"viewBox='0 0 {width} 1' preserveAspectRatio='none'>{rects}</svg>"
    )
    return "data:image/svg+xml," + quote(svg)


def printout_context(data: PrintoutData) -> dict[str, object]:
    """Template context of a printout: its column chunks and their grid-line images."""
    return {"chunks": split_columns(data.columns), "day_lines": day_lines}


@dataclass(frozen=True, slots=True)
class SubjectChunk:
    """One page-width slice of the yearly statement: which subjects (indexes) it shows."""

    number: int
    indexes: tuple[int, ...]
    last: bool


# Landscape A4 with a 30 mm binding margin leaves 257 mm: № (6) + name (38) + decision (45) →
# about 168 mm for marks; at 6.5 mm a column that is 25 columns.
YEAR_MARK_COLUMNS_PER_PAGE = 25


def split_subjects(
    subject_count: int, columns_per_subject: int, per_page: int = YEAR_MARK_COLUMNS_PER_PAGE
) -> list[SubjectChunk]:
    """Split subjects into page-width chunks so no mark column is narrower than ~6.5 mm."""
    if subject_count == 0:
        return [SubjectChunk(1, (), True)]
    size = max(1, per_page // columns_per_subject)
    count = -(-subject_count // size)
    size = -(-subject_count // count)  # balance the chunks
    chunks = []
    for number, first in enumerate(range(0, subject_count, size), start=1):
        indexes = tuple(range(first, min(first + size, subject_count)))
        chunks.append(SubjectChunk(number, indexes, indexes[-1] == subject_count - 1))
    return chunks


def year_context(data: YearData) -> dict[str, object]:
    """Template context of a yearly statement: its subject chunks."""
    per_subject = len(data.periods) + 2 + (1 if data.show_exam else 0)
    return {"chunks": split_subjects(len(data.subjects), per_subject)}
