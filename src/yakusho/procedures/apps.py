from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "yakusho.procedures"
    label = "procedures"
    verbose_name = "procedures"
