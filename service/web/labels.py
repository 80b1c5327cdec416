"""Codes turned into the Russian words a person reads: the one place every page takes them from.

Job kinds, audit events, document and order kinds, archive states, stores and periods are codes
in the catalog and the logs; on a page they are shown through these functions (and the template
filters of the same names in ``service.web.templatetags.vedomost``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from service.naming import (
    WHOLE_YEAR,
    DocumentFacts,
    document_facts,
    document_file_name,
    download_name,
    file_part,
    file_word,
    kind,
    kind_title,
    period,
    retention_kinds,
)

__all__ = [
    "WHOLE_YEAR",
    "DocumentFacts",
    "document_facts",
    "document_file_name",
    "download_name",
    "file_part",
    "file_word",
    "kind",
    "kind_title",
    "period",
    "retention_kinds",
]

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
