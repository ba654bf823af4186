"""Stripe, through its REST API: Checkout Sessions for card and コンビニ, refunds, and
signed webhooks. Tested against recorded responses and events; never called in tests.

Settings: YAKUSHO_STRIPE_SECRET_KEY, YAKUSHO_STRIPE_WEBHOOK_SECRET."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone

from yakusho.payments.models import Payment, Refund

from . import Created, Event, Provider, ProviderError, RefundResult, Status, WebhookRejected
from . import register as register_provider
from .signing import verify

API = "https://api.stripe.com"
TIMEOUT = (5, 20)
CHECKOUT_MINUTES = 90


def send(method: str, path: str, *, data: dict | None = None, headers: dict) -> tuple[int, dict]:
    """One call to Stripe. Tests replace this function with recorded responses."""
    try:
        response = requests.request(method, API + path, data=data, headers=headers, timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise ProviderError(f"Stripe could not be reached: {type(exc).__name__}") from None
    try:
        return response.status_code, response.json()
    except ValueError:
        raise ProviderError(f"Stripe answered {response.status_code} without JSON") from None


def _time(value: Any) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC) if value else None


def _session_status(session: dict) -> Status:
    intent = (
        session.get("payment_intent") if isinstance(session.get("payment_intent"), dict) else {}
    )
    state = "started"
    if session.get("status") == "expired":
        state = "expired"
    elif session.get("status") == "complete":
        state = "success" if session.get("payment_status") == "paid" else "submitted"
    if intent.get("status") == "canceled":
        state = "failed"
    instructions = {}
    konbini = ((intent.get("next_action") or {}).get("konbini_display_details")) or {}
    if konbini:
        stores = konbini.get("stores") or {}
        first = next(iter(stores.values()), {}) if stores else {}
        instructions = {
            "payment_number": first.get("payment_code", ""),
            "confirmation_number": first.get("confirmation_number", ""),
            "voucher_url": konbini.get("hosted_voucher_url", ""),
            "stores": sorted(stores),
            "pay_by": (_time(konbini.get("expires_at")) or timezone.now()).isoformat(),
        }
    return Status(
        provider_ref=str(session["id"]),
        state=state,
        amount=int(session.get("amount_total") or 0),
        currency=str(session.get("currency") or "").upper(),
        occurred_at=_time(intent.get("created")) or _time(session.get("created")),
        instructions=instructions,
    )


@register_provider("stripe")
class StripeProvider(Provider):
    label = "Stripe"
    methods = ("card", "konbini")

    def _headers(self, idempotency_key: str = "") -> dict[str, str]:
        key = settings.STRIPE_SECRET_KEY
        if not key:
            raise ProviderError("YAKUSHO_STRIPE_SECRET_KEY is not set")
        headers = {"Authorization": f"Bearer {key}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def _call(self, method: str, path: str, *, data=None, idempotency_key: str = "") -> dict:
        status, body = send(method, path, data=data, headers=self._headers(idempotency_key))
        if status >= 400:
            error = (body.get("error") or {}) if isinstance(body, dict) else {}
            raise ProviderError(f"Stripe {status}: {error.get('code') or error.get('type', '')}")
        return body

    def create(self, *, payment: Payment, description: str, return_url: str) -> Created:
        if payment.method not in self.methods:
            raise ProviderError(f"Stripe is not set up for {payment.method}")
        expires = timezone.now() + dt.timedelta(minutes=CHECKOUT_MINUTES)
        data = {
            "mode": "payment",
            "payment_method_types[0]": payment.method,
            "line_items[0][quantity]": 1,
            "line_items[0][price_data][currency]": "jpy",
            "line_items[0][price_data][unit_amount]": payment.amount,
            "line_items[0][price_data][product_data][name]": description[:120],
            "success_url": return_url,
            "cancel_url": return_url,
            "client_reference_id": str(payment.key),
            "metadata[payment]": str(payment.key),
            "metadata[charge]": payment.charge.reference,
            "expires_at": int(expires.timestamp()),
        }
        if payment.method == "konbini":
            data["payment_method_options[konbini][expires_after_days]"] = (
                payment.charge.charge_type.konbini_days
            )
            # Stripe shows at most 22 characters on the store's receipt.
            data["payment_intent_data[description]"] = description[:22]
        session = self._call(
            "POST", "/v1/checkout/sessions", data=data, idempotency_key=str(payment.key)
        )
        return Created(
            provider_ref=str(session["id"]),
            next_url=str(session["url"]),
            state="started",
            expires_at=_time(session.get("expires_at")) or expires,
        )

    def status(self, *, payment: Payment) -> Status:
        session = self._call(
            "GET", f"/v1/checkout/sessions/{payment.provider_ref}?expand[]=payment_intent"
        )
        return _session_status(session)

    def cancel(self, *, payment: Payment) -> None:
        if payment.state == "submitted":
            intent = payment.instructions.get("payment_intent", "")
            if intent:
                self._call("POST", f"/v1/payment_intents/{intent}/cancel")
            return
        self._call("POST", f"/v1/checkout/sessions/{payment.provider_ref}/expire")

    def refund(self, *, payment: Payment, refund: Refund) -> RefundResult:
        if payment.method == "konbini":
            raise ProviderError("Stripe cannot refund コンビニ payments; refund by bank transfer")
        session = self._call("GET", f"/v1/checkout/sessions/{payment.provider_ref}")
        body = self._call(
            "POST",
            "/v1/refunds",
            data={
                "payment_intent": session.get("payment_intent"),
                "amount": refund.amount,
                "metadata[refund]": str(refund.key),
            },
            idempotency_key=str(refund.key),
        )
        state = {"succeeded": "success", "failed": "failed", "canceled": "failed"}
        return RefundResult(
            provider_ref=str(body["id"]), state=state.get(body["status"], "pending")
        )

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> Event:
        verify(settings.STRIPE_WEBHOOK_SECRET, body, headers.get("Stripe-Signature", ""))
        try:
            data = json.loads(body)
            item = data["data"]["object"]
            event = Event(event_id=str(data["id"]), event_type=str(data["type"]))
            kind = data["type"]
            if kind.startswith("refund."):
                event.refund_ref = str(item["id"])
                event.refund_amount = int(item["amount"])
                event.refund_state = {"succeeded": "success", "failed": "failed"}.get(
                    item["status"], "pending"
                )
                return event
            if not kind.startswith("checkout.session."):
                return event  # a type we do not use; recorded and ignored
            status = _session_status(item)
            if kind == "checkout.session.async_payment_succeeded":
                status.state = "success"
            elif kind == "checkout.session.async_payment_failed":
                status.state = "failed"
            elif kind == "checkout.session.expired":
                status.state = "expired"
            status.occurred_at = _time(data.get("created")) or status.occurred_at
            event.status = status
            return event
        except (KeyError, TypeError, ValueError) as exc:
            raise WebhookRejected(f"malformed notification: {exc}") from None
