"""Forms of the web interface."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from service.accounts import throttle


class ThrottledLoginForm(AuthenticationForm):
    """Django's login form, refusing a username+IP pair locked after repeated failures."""

    error_messages = {  # noqa: RUF012 (Django's own attribute)
        **AuthenticationForm.error_messages,
        "invalid_login": "Неверное имя пользователя или пароль.",
        "locked": "Слишком много неудачных попыток входа. Повторите после %(until)s.",
    }

    def clean(self) -> dict[str, object]:
        username = (self.data.get("username") or "").replace("\x00", "").strip()
        ip = throttle.client_ip(self.request)
        until = throttle.locked_until(username, ip)
        if until is not None:
            local = timezone.localtime(until).strftime("%H:%M")
            raise forms.ValidationError(
                self.error_messages["locked"], code="locked", params={"until": local}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, ip)
            raise
        throttle.record_success(username, ip)
        return cleaned


class UploadForm(forms.Form):
    file = forms.FileField(label="Файл выгрузки журнала")


class VerifyForm(forms.Form):
    file = forms.FileField(label="PDF-файл")


class TeacherSignForm(forms.Form):
    """The class teacher's password or PIN for her own key (used once, never stored)."""

    password = forms.CharField(
        label="Пароль (PIN) вашего ключа подписи", widget=forms.PasswordInput, strip=False
    )


class WithoutTeacherForm(forms.Form):
    """The director's reason to sign documents without the class teacher's signature."""

    reason = forms.CharField(
        label="Причина подписи без классного руководителя",
        max_length=500,
        help_text="Например: «классный руководитель на больничном, приказ от 01.12.2026 № 45».",
    )


class SignForm(forms.Form):
    password = forms.CharField(
        label="Пароль (PIN) ключа подписи", widget=forms.PasswordInput, strip=False
    )
    confirm_signer = forms.CharField(
        label="Если ключ выдан не на директора, названного в документах, — причина",
        required=False,
        max_length=500,
        help_text="Например: «исполняющий обязанности директора, приказ от 01.12.2026 № 45».",
    )
