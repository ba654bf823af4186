from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "yakusho.residents"
    label = "residents"
    verbose_name = "residents"
