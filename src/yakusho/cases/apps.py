from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "yakusho.cases"
    label = "cases"
    verbose_name = "cases"
