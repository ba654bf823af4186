"""Charges, payment attempts, webhooks and the ledger: exactly once, whatever arrives when."""

import datetime as dt
import itertools
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yakusho.payments import services
from yakusho.payments.models import (
    Charge,
    DemoProviderPayment,
    LedgerEntry,
    Payment,
    PaymentTransition,
    WebhookEvent,
)
from yakusho.payments.providers import ProviderError, demo
from yakusho.payments.providers.signing import sign

RETURN = "http://testserver/ja/payments/return/{key}/"


def start(charge, method="card", key=None, user=None):
    return services.payment_start(
        charge=charge,
        method=method,
        idempotency_key=key or str(uuid.uuid4()),
        return_url=RETURN,
        user=user,
    )


def webhook(client, body: bytes, headers: dict | None = None):
    headers = demo.signed_headers(body) if headers is None else headers
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return client.post(
        "/payments/webhooks/demo", data=body, content_type="application/json", **extra
    )


def test_a_fee_at_submission_charges_300_yen_per_copy(charge, resident):
    assert charge.amount == 900
    assert charge.state == Charge.State.UNPAID
    assert charge.owner == resident
    assert charge.purpose_label == charge.submission.receipt_number
    assert charge.due_date == timezone.localdate() + dt.timedelta(days=7)
    # The confirmation e-mail asks for the fee, with the payment page's address.
    from yakusho.core.models import OutboundEmail

    body = OutboundEmail.objects.get(key__startswith="submission-confirmation").body
    assert "900円" in body
    assert f"/payments/{charge.reference}/" in body


def test_amounts_must_be_whole_positive_yen(charge_type, jumin):
    for bad in (-1, 0, 1.5, "3百", True, None, 10_000_001):
        with pytest.raises(ValidationError):
            services.charge_create(
                charge_type=charge_type, amount=bad, description="x", department=jumin
            )
    made = services.charge_create(
        charge_type=charge_type, amount="450", description="x", department=jumin
    )
    assert made.amount == 450


def test_a_card_payment_through_the_sandbox_and_its_webhook(charge, resident, run_tasks):
    payment = start(charge, user=resident)
    assert payment.state == "started"
    assert "/payments/demo-provider/" in payment.next_url
    with run_tasks():
        url = demo.sandbox_choose(ref=payment.provider_ref, outcome="success")
    assert url == RETURN.replace("{key}", str(payment.key))
    charge.refresh_from_db()
    payment.refresh_from_db()
    assert (payment.state, charge.state) == ("success", "paid")
    assert [t.to_state for t in payment.transitions.all()] == ["created", "started", "success"]
    [entry] = LedgerEntry.objects.all()
    assert (entry.kind, entry.amount, entry.account_code) == ("payment", 900, "14-01-01-01")
    from yakusho.core.models import OutboundEmail

    assert OutboundEmail.objects.filter(key=f"charge-paid:{charge.reference}").exists()
    # The case's history says so too.
    assert charge.submission.case.events.filter(kind="payment").count() == 1


def test_same_idempotency_key_returns_the_first_attempt(charge):
    key = str(uuid.uuid4())
    first = start(charge, key=key)
    assert start(charge, key=key) == first
    with pytest.raises(services.IdempotencyConflict):
        start(charge, method="konbini", key=key)
    with pytest.raises(services.PaymentRefused):
        start(charge, key="not a key!")
    assert Payment.objects.count() == 1


def test_a_second_tab_replaces_the_open_card_attempt(charge):
    first = start(charge)
    second = start(charge)
    first.refresh_from_db()
    assert first.state == "cancelled"
    assert second.state == "started"
    assert DemoProviderPayment.objects.get(ref=first.provider_ref).state == "cancelled"
    assert Payment.objects.filter(state__in=["created", "started", "submitted"]).count() == 1


def test_an_issued_konbini_number_blocks_a_new_attempt_until_cancelled(charge):
    payment = start(charge, method="konbini")
    demo.sandbox_choose(ref=payment.provider_ref, outcome="issue")
    payment = services.payment_sync(payment=payment)
    assert payment.state == "submitted"
    assert len(payment.instructions["payment_number"]) == 11
    with pytest.raises(services.PaymentRefused):
        start(charge, method="card")
    services.payment_cancel(payment=payment)
    assert start(charge, method="card").state == "started"


def test_paying_a_paid_charge_is_refused(charge, run_tasks):
    payment = start(charge)
    with run_tasks():
        demo.sandbox_choose(ref=payment.provider_ref, outcome="success")
    with pytest.raises(services.PaymentRefused) as refused:
        start(charge)
    assert "支払済み" in refused.value.message


def test_returning_before_the_webhook_and_the_late_duplicate_webhooks(
    charge, run_tasks, django_capture_on_commit_callbacks, worker
):
    payment = start(charge)
    # The resident comes back before any notification: the return asks the provider.
    with django_capture_on_commit_callbacks() as held:
        demo.sandbox_choose(ref=payment.provider_ref, outcome="success", duplicate=True)
    assert services.payment_sync(payment=payment, source="return").state == "success"
    for callback in held:
        callback()
    worker.run_until_idle()  # two deliveries of the same event, after the fact
    events = WebhookEvent.objects.filter(payment=payment)
    assert [e.outcome for e in events] == ["ignored"]  # kept once by its id
    assert LedgerEntry.objects.count() == 1
    charge.refresh_from_db()
    assert charge.state == "paid"


def _bodies_for_konbini(charge):
    """The notifications a konbini payment produces: number issued, then paid."""
    payment = start(charge, method="konbini")
    row = DemoProviderPayment.objects.get(ref=payment.provider_ref)
    row.state, row.instructions = "submitted", {"payment_number": "12345678901"}
    row.save()
    issued = demo.event_body(row)
    row.state, row.paid_at = "success", timezone.now()
    row.save()
    paid = demo.event_body(row)
    forged_data = json.loads(paid)
    forged_data["id"] = "evt_forged"
    forged = json.dumps(forged_data).encode()
    return payment, issued, paid, forged


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_chaos_every_webhook_twice_out_of_order_with_a_forgery(client, charge, order):
    payment, issued, paid, forged = _bodies_for_konbini(charge)
    deliveries = [
        (issued, None),
        (paid, None),
        (forged, {demo.HEADER: sign("wrong-secret", forged)}),
    ]
    statuses = []
    for index in [*order, *order]:
        body, headers = deliveries[index]
        statuses.append((index, webhook(client, body, headers).status_code))
    assert all(code == (400 if index == 2 else 200) for index, code in statuses)
    payment.refresh_from_db()
    charge.refresh_from_db()
    assert (payment.state, charge.state) == ("success", "paid")
    assert list(LedgerEntry.objects.values_list("kind", "amount")) == [("payment", 900)]
    assert WebhookEvent.objects.filter(outcome="rejected").count() == 2
    assert WebhookEvent.objects.exclude(outcome="rejected").count() == 2
    # A late "submitted" never overrode "success": the history only moves forward.
    states = [t.to_state for t in PaymentTransition.objects.filter(payment=payment)]
    assert states[-1] == "success"
    assert states.count("success") == 1


def test_a_replayed_webhook_outside_the_time_window_is_refused(client, charge):
    payment, _issued, paid, _forged = _bodies_for_konbini(charge)
    old = int(timezone.now().timestamp()) - 3600
    headers = {demo.HEADER: sign(demo.webhook_secret(), paid, timestamp=old)}
    assert webhook(client, paid, headers).status_code == 400
    payment.refresh_from_db()
    assert payment.state == "started"


def test_a_webhook_for_an_unknown_payment_is_acknowledged_and_listed(client, db):
    body = json.dumps(
        {
            "id": "evt_x",
            "type": "payment.success",
            "data": {
                "ref": "demo_nobody",
                "state": "success",
                "amount": 100,
                "currency": "JPY",
                "occurred_at": timezone.now().isoformat(),
            },
        }
    ).encode()
    response = webhook(client, body)
    assert response.status_code == 200
    assert response.json()["result"] == "unmatched"
    assert WebhookEvent.objects.get().outcome == "unmatched"
    assert not LedgerEntry.objects.exists()


def test_a_wrong_amount_puts_the_charge_in_front_of_staff_never_paid(client, charge):
    payment, _issued, paid, _forged = _bodies_for_konbini(charge)
    data = json.loads(paid)
    data["data"]["amount"] = 90
    body = json.dumps(data).encode()
    assert webhook(client, body).json()["result"] == "mismatch"
    payment.refresh_from_db()
    charge.refresh_from_db()
    assert payment.state == "error"
    assert charge.state == "error"
    assert charge.attention
    assert charge.paid_at is None
    assert not LedgerEntry.objects.exists()


def test_malformed_and_non_json_webhooks_get_400(client, db):
    for body in (b"\xff\xfe", b"{}", b'{"id": "e", "type": "payment.success", "data": 1}'):
        assert webhook(client, body).status_code == 400
    assert client.get("/payments/webhooks/demo").status_code == 405
    assert webhook(client, b"{}", {}).status_code == 400


def test_an_attempt_started_freezes_the_charge(charge, tanto):
    services.charge_update(charge=charge, amount=1200, actor=tanto)
    start(charge)
    with pytest.raises(services.PaymentRefused):
        services.charge_update(charge=charge, amount=600, actor=tanto)
    charge.refresh_from_db()
    assert charge.amount == 1200


def test_a_worker_killed_between_the_provider_and_our_books_recovers(charge, monkeypatch):
    payment = start(charge)
    demo.sandbox_choose(ref=payment.provider_ref, outcome="success")  # notification lost

    def killed(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr(services, "_apply_status", killed)
    with pytest.raises(SystemExit):
        services.payment_sync(payment=payment)
    monkeypatch.undo()
    payment.refresh_from_db()
    assert payment.state == "started"
    assert not LedgerEntry.objects.exists()
    # On restart the periodic job asks again; running it twice changes nothing more.
    assert services.payments_sync_unfinished(older_than=dt.timedelta(0)) == 1
    assert services.payments_sync_unfinished(older_than=dt.timedelta(0)) == 0
    payment.refresh_from_db()
    assert payment.state == "success"
    assert LedgerEntry.objects.count() == 1
    assert Charge.objects.get(pk=charge.pk).state == "paid"


def test_a_provider_timeout_takes_no_money_and_allows_a_retry(charge, monkeypatch):
    def timeout(self, **kwargs):
        raise ProviderError("timeout")

    monkeypatch.setattr(demo.DemoProvider, "create", timeout)
    with pytest.raises(services.PaymentRefused) as refused:
        start(charge)
    assert "接続できませんでした" in refused.value.message
    assert Payment.objects.get().state == "error"
    monkeypatch.undo()
    assert start(charge).state == "started"


def test_the_closed_tab_lapses_and_an_unpaid_charge_expires(charge, procedure):
    payment = start(charge)
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert services.payments_sync_unfinished(older_than=dt.timedelta(0)) == 1
    payment.refresh_from_db()
    assert payment.state == "expired"
    assert services.charges_expire(today=charge.due_date) == 0  # not yet past due
    assert services.charges_expire(today=charge.due_date + dt.timedelta(days=1)) == 1
    charge.refresh_from_db()
    assert charge.state == "expired"
    assert "支払われませんでした" in charge.submission.case.events.get(kind="payment").note


def test_an_issued_konbini_number_keeps_its_charge_open_until_it_lapses(charge):
    payment = start(charge, method="konbini")
    demo.sandbox_choose(ref=payment.provider_ref, outcome="issue")
    services.payment_sync(payment=payment)
    after_due = charge.due_date + dt.timedelta(days=1)
    assert services.charges_expire(today=after_due) == 0
    DemoProviderPayment.objects.filter(ref=payment.provider_ref).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now())
    assert services.charges_expire(today=after_due) == 1
    payment.refresh_from_db()
    assert payment.state == "expired"


def test_konbini_paid_two_days_later_by_a_simulated_notification(charge, run_tasks):
    payment = start(charge, method="konbini")
    with run_tasks():
        demo.sandbox_choose(ref=payment.provider_ref, outcome="issue")
    payment.refresh_from_db()
    assert payment.state == "submitted"
    later = timezone.now() + dt.timedelta(days=2)
    with run_tasks():
        demo.sandbox_settle(ref=payment.provider_ref, paid_at=later, duplicate=True)
    charge.refresh_from_db()
    assert charge.state == "paid"
    assert charge.paid_at == later
    assert LedgerEntry.objects.get().occurred_at == later
    with pytest.raises(ProviderError):
        demo.sandbox_settle(ref=payment.provider_ref, paid_at=later)


def test_money_arriving_for_a_cancelled_attempt_is_booked_and_flagged(client, charge):
    payment, _issued, paid, _forged = _bodies_for_konbini(charge)
    Payment.objects.filter(pk=payment.pk).update(state="cancelled")
    assert webhook(client, paid).status_code == 200
    charge.refresh_from_db()
    assert LedgerEntry.objects.get().amount == 900  # the money is real
    assert charge.attention
    assert charge.state == "unpaid"


def test_staff_cancel_an_unpaid_charge_with_a_reason(charge, kessai):
    with pytest.raises(ValidationError):
        services.charge_cancel(charge=charge, reason=" ", actor=kessai)
    start(charge)
    services.charge_cancel(charge=charge, reason="申請の取下げ", actor=kessai)
    charge.refresh_from_db()
    assert charge.state == "cancelled"
    assert not Payment.objects.filter(state__in=["created", "started"]).exists()


def test_a_late_notification_waits_for_its_time(charge, run_tasks):
    from django_tasks_db.models import DBTaskResult

    payment = start(charge)
    with run_tasks():
        demo.sandbox_choose(ref=payment.provider_ref, outcome="success", delay=60)
    late = DBTaskResult.objects.get(task_path__endswith="demo_webhook_send")
    assert late.run_after > timezone.now()
    payment.refresh_from_db()
    assert payment.state == "started"  # nothing delivered yet; the return page would ask
