"""The one description of a produced document: its heading, footer and XMP requisites.

Documents and orders fill it; the archive receives it (as ``storage.archive.DocumentMetadata``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What every document prints in its heading and footer and declares in its XMP."""

    kind: str
    document_id: str
    title: str
    school_id: str
    school_name: str
    school_short_name: str
    place: str
    issued_on: dt.date  # the document's date: its period's or month's end, or the issue date
    year_id: str
    snapshot_id: str
    class_id: str = ""
    period_id: str = ""
    period_name: str = ""
    director: str = ""  # «И. О. Фамилия»
    class_teacher: str = ""  # «И. О. Фамилия»
    signatures: tuple[str, ...] = ()  # signature field names reserved: director, class_teacher
    number: str = ""  # the register number of an order («12-у»); empty when not numbered
    template_version: str = ""  # the DOCX template version that made an order
    data_on: dt.date | None = (
        None  # the journal data's date, when it differs in meaning from issued_on
    )
    deputy: str = ""  # «И. О. Фамилия» of the deputy director (по УВР), empty: a line to write on
