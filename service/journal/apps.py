from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "service.journal"
    label = "journal"
    verbose_name = "Журнал"
    default_auto_field = "django.db.models.BigAutoField"
