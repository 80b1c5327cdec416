"""Template helpers: the navigation a user's roles allow."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from service.accounts.permissions import Action, can

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
