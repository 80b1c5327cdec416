"""Template helpers: the navigation a user's roles allow, and codes shown as Russian words."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from service.accounts.permissions import Action, can
from service.web import labels

register = template.Library()

NAV: list[tuple[str, str, Action]] = [
    ("web:import", "Загрузка журнала", Action.IMPORT_JOURNAL),
    ("web:period", "Закрытие периода", Action.PREPARE_PERIOD),
    ("web:class_teacher", "Классы", Action.VIEW_DASHBOARD),
    ("web:orders", "Приказы", Action.MANAGE_ORDERS),
    ("web:consents", "Согласия", Action.VIEW_CONSENTS),
    ("web:archive", "Архив", Action.SEARCH_ARCHIVE),
    ("web:verify", "Проверка подписи", Action.VERIFY_DOCUMENT),
]


@register.simple_tag(takes_context=True)
def nav_items(context: template.Context) -> list[dict[str, str]]:
    """Links to the pages the current user may use (pages not installed are left out)."""
    user = context.get("user")
    items = []
    for name, label, action in NAV:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if can(user, action):
            items.append({"url": url, "label": label})
    return items


@register.filter
def label(value: str, table: dict[str, str]) -> str:
    """``{{ code|label:labels }}``: the Russian label of a code, or the code itself."""
    return table.get(value, value) if isinstance(table, dict) else value


# Codes → Russian words (``service.web.labels`` is the one table of them).


@register.filter
def job_kind(value: str) -> str:
    """``{{ job.kind|job_kind }}``: «period-render» → «Формирование документов периода»."""
    return labels.job_kind(value)


@register.filter
def audit_event(value: str) -> str:
    """``{{ event.kind|audit_event }}``: «ingest» → «поступление в архив»."""
    return labels.audit_event(value)


@register.filter
def kind_label(value: str) -> str:
    """``{{ entry.kind|kind_label }}``: a document or order kind's Russian label."""
    return labels.kind(value)


@register.filter
def archive_state(value: str) -> str:
    """``{{ entry.state|archive_state }}``: «archived» → «в двух хранилищах»."""
    return labels.archive_state(value)


@register.filter
def store(value: str) -> str:
    """``{{ name|store }}``: «A» → «хранилище А»."""
    return labels.store(value)


@register.filter
def period_name(value: str, snapshot: object) -> str:
    """``{{ entry.period|period_name:snapshot }}``: «Q1» → «1 четверть», empty → «весь год»."""
    return labels.period(snapshot, value)


@register.filter
def when(value: object) -> str:
    """``{{ moment|when }}``: «07.12.2026 20:01» in the school's time zone."""
    return labels.when(value)  # type: ignore[arg-type]


@register.filter
def when_s(value: object) -> str:
    """``{{ moment|when_s }}``: like ``when`` with seconds."""
    return labels.when(value, seconds=True)  # type: ignore[arg-type]


@register.filter
def audit_detail(event: object) -> str:
    """``{{ event|audit_detail }}``: the event's facts in words (stores, version, findings)."""
    return labels.audit_detail(getattr(event, "kind", ""), getattr(event, "detail", None))
