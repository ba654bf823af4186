"""Background work of the back office."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from yakusho.core.periodic import periodic

from . import handoff


@task()
def handoff_deliver(*, delivery_id: int) -> str:
    return handoff.deliver(delivery_id)


@periodic("cases.handoff_recover", every=timedelta(minutes=5))
def handoff_recover() -> str:
    return f"re-enqueued {handoff.recover(timedelta(minutes=10))}"


@periodic("cases.daily_digest", every=timedelta(days=1))
def daily_digest() -> str:
    from .services import digests_send

    return f"sent {digests_send()}"
