from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yakusho.accounts"
    label = "accounts"
    verbose_name = "accounts"

    def ready(self) -> None:
        # Security events are audited where Django and allauth announce them: the audit log
        # must not depend on every login path remembering to write it.
        from . import audit_hooks

        audit_hooks.connect()
