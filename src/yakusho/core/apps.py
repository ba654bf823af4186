from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yakusho.core"
    label = "core"
    verbose_name = "core"
