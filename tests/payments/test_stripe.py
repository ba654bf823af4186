"""The Stripe plugin against responses and events in Stripe's documented format (from its
API reference; never the network)."""

import json
import uuid
from pathlib import Path

import pytest
import requests

from yakusho.payments import services
from yakusho.payments.models import Charge, LedgerEntry, Refund
from yakusho.payments.providers import ProviderError
from yakusho.payments.providers import stripe as stripe_provider
from yakusho.payments.providers.signing import sign

RECORDINGS = Path(__file__).parent / "recordings" / "stripe"
SECRET = "whsec_test_yakusho"


def recorded(name: str) -> dict:
    return json.loads((RECORDINGS / name).read_text())


@pytest.fixture
def stripe(settings, monkeypatch, charge):
    settings.STRIPE_SECRET_KEY = "sk_test_yakusho"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    charge_type = charge.charge_type
    charge_type.provider, charge_type.methods = "stripe", ["card", "konbini"]
    charge_type.save()
    calls = []
    answers = {}

    def send(method, path, *, data=None, headers):
        calls.append((method, path, data, headers))
        for prefix, answer in answers.items():
            if f"{method} {path}".startswith(prefix):
                return answer
        raise AssertionError(f"unexpected call {method} {path}")

    monkeypatch.setattr(stripe_provider, "send", send)
    return calls, answers


def start(charge, method="card"):
    return services.payment_start(
        charge=charge,
        method=method,
        idempotency_key=str(uuid.uuid4()),
        return_url="http://testserver/ja/payments/return/{key}/",
    )


def test_a_checkout_session_is_created_in_yen_with_the_attempt_as_key(stripe, charge):
    calls, answers = stripe
    answers["POST /v1/checkout/sessions"] = (200, recorded("session_created.json"))
    payment = start(charge)
    method, path, data, headers = calls[0]
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    assert data["line_items[0][price_data][currency]"] == "jpy"
    assert data["line_items[0][price_data][unit_amount]"] == 900
    assert data["payment_method_types[0]"] == "card"
    assert data["metadata[charge]"] == charge.reference
    assert data["success_url"].endswith(f"/payments/return/{payment.key}/")
    assert headers["Idempotency-Key"] == str(payment.key)
    assert headers["Authorization"] == "Bearer sk_test_yakusho"
    assert payment.next_url.startswith("https://checkout.stripe.com/")
    assert payment.provider_ref.startswith("cs_test_")


def test_a_paid_card_session_is_booked_once(stripe, charge):
    _calls, answers = stripe
    answers["POST /v1/checkout/sessions"] = (200, recorded("session_created.json"))
    answers["GET /v1/checkout/sessions/"] = (200, recorded("session_card_paid.json"))
    payment = start(charge)
    assert services.payment_sync(payment=payment).state == "success"
    assert services.payment_sync(payment=payment).state == "success"
    assert LedgerEntry.objects.get().amount == 900
    assert Charge.objects.get(pk=charge.pk).state == "paid"


def test_konbini_shows_the_store_numbers_then_a_signed_event_pays_it(client, stripe, charge):
    calls, answers = stripe
    created = recorded("session_created.json")
    created["id"] = "cs_test_b2Konbini9Yk3mQ9ZbWf2qNn8Rk5Hd7TxLpV0s"
    answers["POST /v1/checkout/sessions"] = (200, created)
    answers["GET /v1/checkout/sessions/"] = (200, recorded("session_konbini_unpaid.json"))
    payment = start(charge, method="konbini")
    assert calls[0][2]["payment_method_options[konbini][expires_after_days]"] == 3
    payment = services.payment_sync(payment=payment)
    assert payment.state == "submitted"
    assert payment.instructions["payment_number"] == "123456"
    assert payment.instructions["voucher_url"].startswith("https://payments.stripe.com/")
    body = (RECORDINGS / "event_konbini_async_succeeded.json").read_bytes()
    response = client.post(
        "/payments/webhooks/stripe",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(SECRET, body),
    )
    assert response.status_code == 200
    assert response.json()["result"] == "applied"
    payment.refresh_from_db()
    assert payment.state == "success"
    forged = client.post(
        "/payments/webhooks/stripe",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign("whsec_other", body),
    )
    assert forged.status_code == 400


def test_an_expired_session_event_ends_the_attempt(client, stripe, charge):
    _calls, answers = stripe
    answers["POST /v1/checkout/sessions"] = (200, recorded("session_created.json"))
    payment = start(charge)
    body = (RECORDINGS / "event_expired.json").read_bytes()
    client.post(
        "/payments/webhooks/stripe",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(SECRET, body),
    )
    payment.refresh_from_db()
    assert payment.state == "expired"
    assert Charge.objects.get(pk=charge.pk).state == "unpaid"  # the resident may try again


def test_a_card_refund_uses_the_refund_as_idempotency_key(stripe, charge, kessai):
    calls, answers = stripe
    answers["POST /v1/checkout/sessions"] = (200, recorded("session_created.json"))
    answers["GET /v1/checkout/sessions/"] = (200, recorded("session_card_paid.json"))
    answers["POST /v1/refunds"] = (200, recorded("refund_succeeded.json"))
    payment = start(charge)
    services.payment_sync(payment=payment)
    refund = services.refund_request(charge=charge, amount=300, reason="1通取消し", actor=kessai)
    assert refund.state == "success"
    _method, path, data, headers = calls[-1]
    assert (path, data["amount"], headers["Idempotency-Key"]) == (
        "/v1/refunds",
        300,
        str(refund.key),
    )
    assert sorted(LedgerEntry.objects.values_list("amount", flat=True)) == [-300, 900]


def test_errors_and_an_unreachable_stripe_take_no_money(stripe, charge, monkeypatch, settings):
    _calls, answers = stripe
    answers["POST /v1/checkout/sessions"] = (404, recorded("error_card_declined.json"))
    with pytest.raises(services.PaymentRefused):
        start(charge)

    def down(*args, **kwargs):
        raise requests.ConnectionError("no route")

    monkeypatch.undo()
    monkeypatch.setattr(requests, "request", down)
    with pytest.raises(ProviderError):
        stripe_provider.send("GET", "/v1/checkout/sessions/x", headers={})
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(services.PaymentRefused):
        start(charge)
    assert not LedgerEntry.objects.exists()
    assert not Refund.objects.exists()
