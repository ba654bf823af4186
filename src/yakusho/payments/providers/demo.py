"""The demo provider: an offline sandbox that behaves like a real payment provider.

It keeps its own books (DemoProviderPayment), shows the resident a page where a tester
chooses the outcome, issues コンビニ and Pay-easy numbers that are paid later by a simulated
notification, and delivers signed webhooks through the worker, on request twice or late,
exactly as the real endpoint receives them."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakusho.payments.models import DemoProviderPayment, Payment, Refund

from . import Created, Event, Provider, ProviderError, RefundResult, Status, WebhookRejected
from . import register as register_provider
from .signing import sign, verify

HEADER = "X-Demo-Signature"
CARD_MINUTES = 90  # as GOV.UK Pay: an unfinished card payment lapses after 90 minutes


def webhook_secret() -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), b"yakusho-demo-payments", hashlib.sha256
    ).hexdigest()


@register_provider("demo")
class DemoProvider(Provider):
    label = _("デモ決済（テスト用）")
    methods = ("card", "konbini", "payeasy")

    def create(self, *, payment: Payment, description: str, return_url: str) -> Created:
        if payment.method not in self.methods:
            raise ProviderError(f"demo provider does not offer {payment.method}")
        ref = f"demo_{uuid.uuid4().hex[:20]}"
        if payment.method == "card":
            expires = timezone.now() + dt.timedelta(minutes=CARD_MINUTES)
        else:
            # As at the stores: the number is good until the end of the last day (JST).
            last_day = timezone.localdate() + dt.timedelta(
                days=payment.charge.charge_type.konbini_days
            )
            expires = timezone.make_aware(dt.datetime.combine(last_day, dt.time(23, 59, 59)))
        DemoProviderPayment.objects.create(
            ref=ref,
            method=payment.method,
            amount=payment.amount,
            return_url=return_url,
            description=description[:200],
            expires_at=expires,
        )
        url = settings.SITE_URL + reverse("payments:demo_sandbox", args=[ref])
        return Created(provider_ref=ref, next_url=url, state="started", expires_at=expires)

    def status(self, *, payment: Payment) -> Status:
        row = DemoProviderPayment.objects.filter(ref=payment.provider_ref).first()
        if row is None:
            raise ProviderError("unknown payment at the demo provider")
        return _status(row)

    def cancel(self, *, payment: Payment) -> None:
        DemoProviderPayment.objects.filter(
            ref=payment.provider_ref, state__in=["started", "submitted"]
        ).update(state="cancelled")

    def refund(self, *, payment: Payment, refund: Refund) -> RefundResult:
        with transaction.atomic():
            row = DemoProviderPayment.objects.select_for_update().get(ref=payment.provider_ref)
            ref = f"{row.ref}_re_{refund.key.hex[:8]}"
            if row.state != "success" or row.refunded + refund.amount > row.amount:
                return RefundResult(provider_ref=ref, state="failed")
            row.refunded += refund.amount
            row.refund_log = [*row.refund_log, [ref, refund.amount, timezone.now().isoformat()]]
            row.save(update_fields=["refunded", "refund_log", "updated_at"])
        return RefundResult(provider_ref=ref, state="success")

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> Event:
        verify(webhook_secret(), body, headers.get(HEADER, ""))
        try:
            data = json.loads(body)
            item = data["data"]
            event = Event(event_id=str(data["id"]), event_type=str(data["type"]))
            if data["type"].startswith("refund."):
                event.refund_ref = str(item["refund_ref"])
                event.refund_state = str(item["state"])
                event.refund_amount = int(item["amount"])
                return event
            event.status = Status(
                provider_ref=str(item["ref"]),
                state=str(item["state"]),
                amount=int(item["amount"]),
                currency=str(item["currency"]),
                occurred_at=dt.datetime.fromisoformat(item["occurred_at"]),
                instructions=dict(item.get("instructions") or {}),
            )
            return event
        except (KeyError, TypeError, ValueError) as exc:
            raise WebhookRejected(f"malformed notification: {exc}") from None


def _status(row: DemoProviderPayment) -> Status:
    state = row.state
    if state in ("started", "submitted") and row.expires_at < timezone.now():
        state = "expired"
    return Status(
        provider_ref=row.ref,
        state=state,
        amount=row.amount,
        currency=row.currency,
        occurred_at=row.paid_at or row.updated_at,
        instructions=row.instructions,
    )


# --- the sandbox: what a tester does on the "provider's" pages ---------------------------


def sandbox_choose(*, ref: str, outcome: str, duplicate: bool = False, delay: int = 0) -> str:
    """The resident's choice on the provider's page. Returns the URL to send them back to."""
    with transaction.atomic():
        row = DemoProviderPayment.objects.select_for_update().get(ref=ref)
        if row.state == "started" and row.expires_at >= timezone.now():
            if outcome == "success" and row.method == "card":
                row.state, row.paid_at = "success", timezone.now()
            elif outcome == "issue" and row.method in ("konbini", "payeasy"):
                row.state = "submitted"
                row.instructions = _instructions(row)
            elif outcome == "decline":
                row.state = "failed"
            else:
                row.state = "cancelled"
            row.save()
            _deliver(row, duplicate=duplicate, delay=delay)
    return row.return_url


def sandbox_settle(*, ref: str, paid_at: dt.datetime, duplicate: bool = False) -> None:
    """A simulated store or bank notification: the number was paid at `paid_at`."""
    with transaction.atomic():
        row = DemoProviderPayment.objects.select_for_update().get(ref=ref)
        if row.state != "submitted":
            raise ProviderError("this payment number is not awaiting payment")
        row.state, row.paid_at = "success", paid_at
        row.save()
        _deliver(row, duplicate=duplicate)


def _instructions(row: DemoProviderPayment) -> dict:
    due = timezone.localtime(row.expires_at)
    if row.method == "konbini":
        return {
            "payment_number": "".join(secrets.choice("0123456789") for _ in range(11)),
            "confirmation_number": "".join(secrets.choice("0123456789") for _ in range(4)),
            "stores": ["familymart", "lawson", "ministop", "seicomart"],
            "pay_by": due.isoformat(),
        }
    return {
        "institution_number": "58091",
        "customer_number": "".join(secrets.choice("0123456789") for _ in range(16)),
        "confirmation_number": "".join(secrets.choice("0123456789") for _ in range(6)),
        "pay_by": due.isoformat(),
    }


def event_body(row: DemoProviderPayment) -> bytes:
    status = _status(row)
    data = {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": f"payment.{status.state}",
        "created": int(timezone.now().timestamp()),
        "data": {
            "ref": row.ref,
            "state": status.state,
            "amount": row.amount,
            "currency": row.currency,
            "occurred_at": (status.occurred_at or timezone.now()).isoformat(),
            "instructions": row.instructions,
        },
    }
    return json.dumps(data, ensure_ascii=False).encode()


def _deliver(row: DemoProviderPayment, *, duplicate: bool = False, delay: int = 0) -> None:
    from yakusho.payments.tasks import demo_webhook_send

    body = event_body(row).decode()
    times = 2 if duplicate else 1

    def enqueue() -> None:
        for _copy in range(times):
            task = demo_webhook_send
            if delay:
                task = task.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
            task.enqueue(body=body)

    transaction.on_commit(enqueue)


def signed_headers(body: bytes) -> dict[str, str]:
    return {HEADER: sign(webhook_secret(), body)}


def settlement_csv(day: dt.date) -> str:
    """The demo provider's settlement report for one day, in its own simple layout:
    date,type,transaction_id,amount (card fee 3.24%, コンビニ・Pay-easy 150円 per payment)."""
    lines = ["date,type,transaction_id,amount"]
    for row in DemoProviderPayment.objects.filter(state="success").order_by("paid_at"):
        if row.paid_at is not None and timezone.localtime(row.paid_at).date() == day:
            fee = row.amount * 324 // 10000 if row.method == "card" else 150
            lines.append(f"{day.isoformat()},payment,{row.ref},{row.amount}")
            lines.append(f"{day.isoformat()},fee,{row.ref},{-fee}")
        for ref, amount, at in row.refund_log:
            if timezone.localtime(dt.datetime.fromisoformat(at)).date() == day:
                lines.append(f"{day.isoformat()},refund,{ref},{-amount}")
    return "\n".join(lines) + "\n"
