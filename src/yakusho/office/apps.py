from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "yakusho.office"
    label = "office"
    verbose_name = "office"
