from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "service.api"
    label = "api"
    verbose_name = "API"
