from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "yakusho.plan"
    label = "plan"
    verbose_name = "plan"
