"""The city's own counter (窓口収納): cash taken and handed back by staff. Nothing is started
online and nothing is notified; staff record the payment (`charge_pay_at_counter`), and a
refund is cash handed back as it is recorded."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from yakusho.payments.models import Payment, Refund

from . import Created, Event, Provider, ProviderError, RefundResult, Status, WebhookRejected
from . import register as register_provider


@register_provider("counter")
class CounterProvider(Provider):
    label = _("窓口（現金）")
    methods = ("cash",)

    def create(self, *, payment: Payment, description: str, return_url: str) -> Created:
        raise ProviderError("counter payments are recorded by staff, not started online")

    def status(self, *, payment: Payment) -> Status:
        return Status(
            provider_ref=payment.provider_ref or "", state=payment.state, amount=payment.amount
        )

    def cancel(self, *, payment: Payment) -> None:
        return None

    def refund(self, *, payment: Payment, refund: Refund) -> RefundResult:
        return RefundResult(provider_ref=f"counter-refund-{refund.key.hex[:16]}", state="success")

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> Event:
        raise WebhookRejected("the counter sends no notifications")
