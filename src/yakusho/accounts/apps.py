from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yakusho.accounts"
    label = "accounts"
    verbose_name = "accounts"
