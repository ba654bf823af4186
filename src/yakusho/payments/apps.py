from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "yakusho.payments"
    label = "payments"
    verbose_name = "payments"
