"""Django app of the orders register, template versions and consent records."""

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """The ``orders`` app: template versions, the order register, consents and their scans."""

    name = "service.orders"
    label = "orders"
    verbose_name = "Приказы, положения и согласия"
    default_auto_field = "django.db.models.BigAutoField"
