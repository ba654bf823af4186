from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "yakusho.portal"
    label = "portal"
    verbose_name = "portal"
