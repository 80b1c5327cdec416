"""Error pages through the real Django stack with DEBUG off: Russian, with what to do next."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.error_urls")]


def test_unknown_address_gives_a_russian_404_page() -> None:
    """GIVEN DEBUG off WHEN an address does not exist THEN a Russian 404 page with a way back."""
    assert settings.DEBUG is False
    response = Client().get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Страница не найдена" in html and "Проверьте адрес" in html
    assert 'href="/"' in html or "На главную" in html


def test_a_bug_gives_a_russian_500_page_without_internals() -> None:
    """WHEN a view fails unexpectedly THEN 500 with a Russian page that shows no internals."""
    response = Client(raise_request_exception=False).get("/test-broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Внутренняя ошибка" in html and "сообщите администратору" in html
    assert "secret" not in html and "RuntimeError" not in html


def test_a_user_error_in_a_view_is_a_page_with_its_message() -> None:
    """WHEN a view raises a UserError THEN its Russian message is shown with its status, not 500."""
    response = Client(raise_request_exception=False).get("/test-missing-document/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "документ VD-0000 не найден в архиве" in html and "Не удалось выполнить" in html
