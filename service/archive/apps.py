from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "service.archive"
    label = "archive"
    verbose_name = "Архив"
    default_auto_field = "django.db.models.BigAutoField"
