"""Background work of the payments app; each task is idempotent."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from yakusho.core.periodic import periodic

from . import services


@task()
def demo_webhook_send(*, body: str) -> str:
    """The demo provider's webhook delivery: signed at sending time and handed to the same
    code the HTTP endpoint runs."""
    from .providers.demo import signed_headers

    data = body.encode()
    status, outcome = services.webhook_receive(
        provider_key="demo", body=data, headers=signed_headers(data)
    )
    return f"{status} {outcome}"


@periodic("payments.sync", every=timedelta(minutes=5))
def sync() -> str:
    return f"resolved {services.payments_sync_unfinished()}"


@periodic("payments.expire", every=timedelta(hours=1))
def expire() -> str:
    return f"expired {services.charges_expire()}"
