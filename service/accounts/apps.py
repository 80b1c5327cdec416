from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "service.accounts"
    label = "accounts"
    verbose_name = "Пользователи и права"
    default_auto_field = "django.db.models.BigAutoField"
