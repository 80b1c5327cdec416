"""Codes turned into the Russian words a person reads: the one place every page takes them from.

Job kinds, audit events, document and order kinds, archive states, stores and periods are codes
in the catalog and the logs; on a page they are shown through these functions (and the template
filters of the same names in ``service.web.templatetags.vedomost``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

AUDIT_EVENTS = {
    "ingest": "поступление в архив",
    "correction": "новая версия (исправление)",
    "replication": "копия во втором хранилище",
    "fixity-check": "проверка целостности",
    "fixity-run": "проверка сохранности архива",
    "repair": "восстановление копии",
    "signature-renewal": "продление подписи (архивный штамп времени)",
    "validation": "проверка подписи",
    "export": "выгрузка",
    "disposal-draft": "проект акта об уничтожении",
    "disposal": "уничтожение по акту",
    "access": "просмотр",
    "backup": "резервная копия каталога",
    "restore": "восстановление каталога",
    "retention-change": "изменение срока хранения",
}

ARCHIVE_STATES = {
    "archived": "в двух хранилищах",
    "pending_replication": "ждёт второй копии",
    "disposed": "уничтожен по акту",
}

STORES = {"A": "хранилище А", "B": "хранилище Б"}

WHOLE_YEAR = "весь год"


def job_kind(code: str) -> str:
    """«period-render» → «Формирование документов»; an unknown code as it is.

    The table lives with the jobs (``service.jobs.models.JOB_KIND_LABELS``, also behind
    ``Job.kind_label``) so that a new job kind is named where it is declared.
    """
    from service.jobs.models import JOB_KIND_LABELS

    return JOB_KIND_LABELS.get(code, code)


def audit_event(code: str) -> str:
    """«fixity-check» → «проверка целостности»; an unknown code as it is."""
    return AUDIT_EVENTS.get(code, code)


def archive_state(code: str) -> str:
    """«pending_replication» → «ждёт второй копии»."""
    return ARCHIVE_STATES.get(code, code)


def store(name: str) -> str:
    """«A» → «хранилище А» (a store is named by a Latin letter in the configuration)."""
    return STORES.get(str(name).upper(), f"хранилище {name}")


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


def local(value: dt.datetime | str | None) -> dt.datetime | None:
    """A moment (aware datetime or ISO text) in the school's time zone."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return timezone.localtime(value)


def when(value: dt.datetime | str | None, seconds: bool = False) -> str:
    """«07.12.2026 20:01» in the school's time zone; «—» for nothing."""
    moment = local(value)
    if moment is None:
        return "—"
    return moment.strftime("%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M")


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


def retention_kinds() -> list[str]:
    """The kinds of the default retention schedule (every kind the archive files documents as)."""
    return list(_retention_titles())


FIXITY_STATUS = {
    "ok": "в порядке",
    "missing": "копия пропала",
    "deleted": "копия скрыта пометкой удаления",
    "damaged": "копия повреждена",
    "shadowed": "копию заслонила другая версия",
    "unavailable": "не ответило",
    "pending": "копия ждёт записи",
}


def audit_detail(code: str, detail: dict[str, Any] | None) -> str:
    """The facts of an audit event in words: which stores, which version, what was found."""
    detail = detail or {}
    if code in ("ingest", "correction"):
        copies = ", ".join(store(c) for c in detail.get("copies", ()))
        text = f"версия {detail.get('version', '—')}" + (f"; копии: {copies}" if copies else "")
        if detail.get("reason"):
            text += f"; причина: {detail['reason']}"
        return text
    if code == "replication":
        return f"из {store(detail.get('from', '?'))} в {store(detail.get('to', '?'))}"
    if code == "fixity-check":
        return "; ".join(
            f"{store(name)}: {FIXITY_STATUS.get(str(value), str(value))}"
            for name, value in sorted(detail.items())
            if len(str(name)) == 1
        )
    return ""
