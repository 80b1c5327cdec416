"""Names of documents and of their files, shared by the web pages and the JSON API.

A document kind's Russian label, the names of a document's class, subject, teacher, period and
student (never their codes), the file name a download carries
(``Выписка_Власов_10А_1-четверть.pdf``) and the RFC 6266 ``Content-Disposition`` header that
carries it: an ASCII ``filename`` for old clients and the real name in ``filename*`` (RFC 5987).
Django's ``FileResponse`` would encode a non-ASCII name as an RFC 2047 word, which browsers do
not decode in that header.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

WHOLE_YEAR = "весь год"


def kind(code: str) -> str:
    """The short Russian label of a document kind or an order kind."""
    from service.documents.kinds import KINDS

    if code in KINDS:
        return KINDS[code].label
    from service.orders.kinds import KINDS as ORDER_KINDS

    order = ORDER_KINDS.get(code) or next(
        (k for k in ORDER_KINDS.values() if k.retention == code), None
    )  # consent scans are filed under their form's retention class
    if order is not None:
        return order.full_title
    rule = _retention_titles().get(code)
    return rule if rule else code


@functools.cache
def _retention_titles() -> dict[str, str]:
    """Titles of the archive's kinds (orders, regulations…) from the default retention schedule."""
    from storage.retention import load_schedule

    return {k: r.title for k, r in load_schedule(None).rules.items()}


def kind_title(code: str) -> str:
    """The full Russian title of a document kind (its label for an order kind)."""
    from service.documents.kinds import KINDS

    return KINDS[code].title if code in KINDS else kind(code)


def period(snapshot: Any, period_id: str | None) -> str:
    """«Q1» → the period's name in the journal («1 четверть»); none → «весь год»."""
    if not period_id:
        return WHOLE_YEAR
    found = snapshot.period_by_id.get(period_id) if snapshot is not None else None
    return found.name if found is not None else period_id


@dataclass(frozen=True)
class DocumentFacts:
    """What a person needs to tell one document from another (names, never codes)."""

    class_name: str = ""
    subject: str = ""
    group: str = ""
    teacher: str = ""
    period: str = ""
    student: str = ""
    student_surname: str = ""

    def parts(self) -> list[str]:
        """The non-empty facts, in reading order."""
        return [
            p
            for p in (
                self.class_name and f"{self.class_name} класс",
                self.subject,
                self.group,
                self.teacher,
                self.period,
                self.student,
            )
            if p
        ]

    def about(self) -> str:
        """Everything but the period: «5А класс · Математика · Иванова И. И.»."""
        parts = [p for p in self.parts() if p != self.period]
        return " · ".join(parts)

    def line(self) -> str:
        """«5А класс · Математика · Иванова И. И. · 1 четверть»."""
        return " · ".join(self.parts())


def document_facts(snapshot: Any, params: dict[str, Any] | None) -> DocumentFacts:
    """Names of a document's class, subject, group, teacher, period and student from its params.

    ``params`` are a kind's parameters (``class``, ``subject``, ``group``, ``period``,
    ``student``; ``class_id`` and ``period_id`` are accepted too). Unknown ids are left out.
    """
    params = params or {}
    if snapshot is None:
        return DocumentFacts()
    class_id = params.get("class") or params.get("class_id") or ""
    student_row = snapshot.student_by_id.get(params.get("student") or "")
    if student_row is not None and not class_id:
        class_id = student_row.class_id
    school_class = snapshot.class_by_id.get(class_id)
    subject = snapshot.subject_by_id.get(params.get("subject") or "")
    group_name = ""
    if school_class is not None and params.get("group"):
        group_name = next((g.name for g in school_class.groups if g.id == params["group"]), "")
    teacher_name = ""
    if subject is not None and school_class is not None:
        teacher_id = next(
            (
                a.teacher_id
                for a in snapshot.assignments
                if a.class_id == school_class.id
                and a.subject_id == subject.id
                and (a.group_id or None) == (params.get("group") or None)
            ),
            "",
        )
        teacher = snapshot.staff_by_id.get(teacher_id)
        teacher_name = teacher.short_name if teacher is not None else ""
    period_id = params.get("period") or params.get("period_id") or ""
    return DocumentFacts(
        class_name=school_class.name if school_class is not None else "",
        subject=subject.name if subject is not None else "",
        group=group_name,
        teacher=teacher_name,
        period=period(snapshot, period_id) if period_id else "",
        student=student_row.full_name if student_row is not None else "",
        student_surname=student_row.last_name if student_row is not None else "",
    )


_UNSAFE = re.compile(r"[^\w.-]+")


def file_part(text: str) -> str:
    """A piece of a download's name: «1 четверть» → «1-четверть», no path or quote characters."""
    return _UNSAFE.sub("-", text.strip()).strip("-.")


FILE_WORDS = {
    "parent-statement": "Выписка",
    "journal-printout": "Журнал",
    "period-summary": "Сводная-ведомость",
    "year-statement": "Итоговые-отметки",
    "medal-sheet": "Претенденты-на-медаль",
    "substitution-log": "Замещения",
    "control-report": "Справка-ВШК",
}


def file_word(code: str) -> str:
    """The first word of a download's name for a kind: «Выписка», «Журнал»…"""
    return FILE_WORDS.get(code) or file_part(kind(code))


def document_file_name(code: str, facts: DocumentFacts, version: int | None = None) -> str:
    """``Выписка_Власов_10А_1-четверть.pdf``, ``Журнал_5А_Математика_1-четверть_в2.pdf``."""
    return download_name(
        file_word(code),
        facts.student_surname,
        facts.class_name,
        facts.subject,
        facts.group,
        facts.period,
        f"в{version}" if version and version > 1 else "",
    )


def download_name(*parts: str, ext: str = "pdf") -> str:
    """``Выписка_Власов_10А_1-четверть.pdf`` from the non-empty parts."""
    cleaned = [file_part(p) for p in parts]
    return "_".join(p for p in cleaned if p) + f".{ext}"


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),
        strict=True,
    )
)


def retention_kinds() -> list[str]:
    """The kinds of the default retention schedule (every kind the archive files documents as)."""
    return list(_retention_titles())


def ascii_name(filename: str) -> str:
    """A plain ASCII stand-in for ``filename`` (Cyrillic transliterated, the rest dropped)."""
    out = []
    for char in filename:
        lower = char.lower()
        if lower in _TRANSLIT:
            latin = _TRANSLIT[lower].strip("-")
            out.append(latin.capitalize() if char != lower else latin)
        elif char.isascii() and (char.isalnum() or char in "._-"):
            out.append(char)
        else:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain if plain.isalnum() else "_")
    return "".join(out) or "file"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment; filename="ascii.pdf"; filename*=UTF-8''%D0%92…`` for ``filename``."""
    kind = "inline" if inline else "attachment"
    fallback = ascii_name(filename).replace("\\", "_").replace('"', "_")
    if fallback == filename:
        return f'{kind}; filename="{fallback}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def render_params(school: str, document_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The kind parameters each document was rendered with (class, subject, group, student…)."""
    from service.jobs.models import JobItem

    rows = JobItem.objects.filter(
        job__school_id=school, job__kind="period-render", key__in=document_ids
    ).values_list("key", "params")
    return {key: dict(params or {}) for key, params in rows}


def entry_facts(entry: Any, snapshot: Any, params: dict[str, Any] | None = None) -> DocumentFacts:
    """The names of an archive row's class, subject, period… (its render parameters first)."""
    merged = {"class_id": entry.class_id, "period_id": entry.period}
    merged.update(params or {})
    merged.update({k: v for k, v in (entry.extra or {}).items() if k == "student"})
    return document_facts(snapshot, merged)


def entry_file_name(entry: Any, snapshot: Any, params: dict[str, Any] | None = None) -> str:
    """The download name of an archived version: ``Журнал_5А_Математика_1-четверть_в2.pdf``."""
    if params is None:
        params = render_params(entry.school, [entry.document_id]).get(entry.document_id)
    return document_file_name(entry.kind, entry_facts(entry, snapshot, params), entry.version)
