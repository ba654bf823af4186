from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "yakusho.demo"
    label = "demo"
    verbose_name = "demo"
