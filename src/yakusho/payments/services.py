"""Every write of the payments app.

Exactly once: a charge is locked before any of its payments, a payment moves only forward
(created → started → submitted → a finished state, and finished is final), the ledger is
keyed by the provider's reference, and webhooks are kept once per event id. So double
clicks, two tabs, retries, duplicated or late notifications and a worker killed half-way
all end in the same books."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from yakusho.core.audit import audit_record
from yakusho.core.services import email_queue
from yakusho.procedures.receipt import new_receipt_number

from . import providers
from .models import (
    FINISHED,
    Charge,
    ChargeType,
    LedgerEntry,
    Method,
    Payment,
    PaymentTransition,
    Refund,
    SettlementFile,
    SettlementLine,
    TaxBill,
    WebhookEvent,
)

LIVE = ("created", "started", "submitted")
RANK = {"created": 0, "started": 1, "submitted": 2}
MAX_AMOUNT = 10_000_000
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9-]{1,255}$")


class PaymentRefused(Exception):
    """A request the resident or staff member must be told about, in their language."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class IdempotencyConflict(PaymentRefused):
    """The same idempotency key was sent before with a different request."""


def _amount(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        else:
            raise ValidationError(_("金額は1円単位の整数で入力してください。"))
    if value <= 0:
        raise ValidationError(_("金額は1円以上にしてください。"))
    if value > MAX_AMOUNT:
        raise ValidationError(_("金額が大きすぎます（上限は1,000万円です）。"))
    return value


# --- charge types and charges ------------------------------------------------------------


def charge_type_upsert(
    *,
    code: str,
    name: str,
    name_translations: dict[str, str] | None = None,
    provider: str = "demo",
    methods: list[str] | None = None,
    account_code: str = "",
    account_name: str = "",
    due_days: int = 7,
    konbini_days: int = 3,
) -> ChargeType:
    methods = list(methods or [Method.CARD])
    offered = providers.get(provider).methods
    unknown = [m for m in methods if m not in offered]
    if unknown:
        raise ValidationError(
            _("決済事業者 %(provider)s はこの支払方法に対応していません：%(methods)s")
            % {"provider": provider, "methods": ", ".join(unknown)}
        )
    charge_type, _created = ChargeType.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "name_translations": name_translations or {},
            "provider": provider,
            "methods": methods,
            "account_code": account_code,
            "account_name": account_name,
            "due_days": due_days,
            "konbini_days": konbini_days,
        },
    )
    return charge_type


def charge_create(
    *,
    charge_type: ChargeType,
    amount: Any,
    description: str,
    department: Any,
    description_translations: dict[str, str] | None = None,
    owner: Any = None,
    submission: Any = None,
    purpose_label: str = "",
    due_date: dt.date | None = None,
    actor: Any = None,
) -> Charge:
    amount = _amount(amount)
    due_date = due_date or timezone.localdate() + dt.timedelta(days=charge_type.due_days)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                charge = Charge.objects.create(
                    reference=new_receipt_number(),
                    charge_type=charge_type,
                    owner=owner,
                    department=department,
                    submission=submission,
                    purpose_label=purpose_label[:120],
                    description=description[:200],
                    description_translations=description_translations or {},
                    amount=amount,
                    due_date=due_date,
                )
                break
        except IntegrityError:
            continue
    else:
        raise RuntimeError("no free charge reference")
    audit_record(
        action="charge.create",
        actor=actor,
        obj=charge,
        data={"amount": amount, "type": charge_type.code},
    )
    return charge


def charge_for_submission(*, submission: Any, amount: Any, actor: Any = None) -> Charge:
    """The fee of a submitted procedure. One open charge per submission: asking again while
    one is unpaid or paid returns it."""
    procedure = submission.procedure
    existing = (
        Charge.objects.filter(submission=submission)
        .exclude(state__in=[Charge.State.EXPIRED, Charge.State.CANCELLED])
        .first()
    )
    if existing is not None:
        return existing
    try:
        charge_type = ChargeType.objects.get(code=procedure.charge_type)
    except ChargeType.DoesNotExist:
        raise ValidationError(
            _("手続きに設定された収納の種類「%(code)s」がありません。")
            % {"code": procedure.charge_type}
        ) from None
    charge = charge_create(
        charge_type=charge_type,
        amount=amount,
        description=procedure.name,
        description_translations=dict(procedure.name_translations),
        department=procedure.department,
        owner=submission.owner,
        submission=submission,
        purpose_label=submission.receipt_number,
        actor=actor,
    )
    if actor is not None and submission.email:
        _email_payer(
            charge,
            to=submission.email,
            language=submission.language,
            key=f"charge-request:{charge.reference}",
            template="payments/email/charge.txt",
            subject=_lazy("【お支払いのお願い】%(what)s（%(amount)s円）"),
            amount=charge.amount,
        )
    return charge


def _email_payer(
    charge: Charge,
    *,
    to: str,
    language: str,
    key: str,
    template: str,
    subject: str,
    amount: int,
    context: dict | None = None,
) -> None:
    """One e-mail to the person paying, in their language, with the charge page's address."""
    from django.conf import settings

    with translation.override(language):
        body = render_to_string(
            template,
            {
                "charge": charge,
                "url": settings.SITE_URL + reverse("payments:charge", args=[charge.reference]),
                **(context or {}),
            },
        )
        text = str(subject) % {"what": charge.description, "amount": f"{amount:,}"}
    email_queue(key=key, to=to, subject=text, body=body)


def charge_update(
    *, charge: Charge, amount: Any = None, due_date: dt.date | None = None, actor: Any
) -> Charge:
    """Correct an unpaid charge. Refused once a payment attempt has started or succeeded:
    the resident may be at the provider with the old amount."""
    with transaction.atomic():
        charge = Charge.objects.select_for_update().get(pk=charge.pk)
        if charge.state != Charge.State.UNPAID:
            raise PaymentRefused(_("支払済みまたは終了した請求は変更できません。"))
        if charge.payments.filter(state__in=[*LIVE, "success"]).exists():
            raise PaymentRefused(_("支払いの手続きが始まっているため、この請求は変更できません。"))
        changes: dict[str, Any] = {}
        if amount is not None:
            charge.amount = changes["amount"] = _amount(amount)
        if due_date is not None:
            if due_date < timezone.localdate():
                raise ValidationError(_("支払期限に過去の日付は指定できません。"))
            charge.due_date = due_date
            changes["due_date"] = due_date.isoformat()
        charge.save()
        audit_record(action="charge.update", actor=actor, obj=charge, data=changes)
    return charge


def charge_cancel(*, charge: Charge, reason: str, actor: Any) -> Charge:
    """Staff withdraw an unpaid charge (wrong amount, application withdrawn)."""
    reason = reason.strip()[:200]
    if not reason:
        raise ValidationError(_("取り消す理由を入力してください。"))
    live = _live_attempt(charge)
    if live is not None:
        _provider_cancel(live)
    with transaction.atomic():
        charge = Charge.objects.select_for_update().get(pk=charge.pk)
        if charge.state != Charge.State.UNPAID:
            raise PaymentRefused(_("未払いの請求だけ取り消せます。"))
        for payment in Payment.objects.select_for_update().filter(charge=charge, state__in=LIVE):
            if payment.state == "submitted":
                raise PaymentRefused(
                    _("コンビニ・Pay-easyの番号が有効なため、まだ取り消せません。")
                )
            _transition(payment, "cancelled", source="staff", detail=reason)
        charge.state = Charge.State.CANCELLED
        charge.save(update_fields=["state", "updated_at"])
        audit_record(action="charge.cancel", actor=actor, obj=charge, data={"reason": reason})
    return charge


def _live_attempt(charge: Charge) -> Payment | None:
    return Payment.objects.filter(charge=charge, state__in=LIVE).first()


def _provider_cancel(payment: Payment) -> None:
    if not payment.provider_ref:
        return
    # On failure the provider's own expiry ends it; the sync job will see the final state.
    with contextlib.suppress(providers.ProviderError):
        providers.get(payment.provider).cancel(payment=payment)


# --- payments ------------------------------------------------------------------------------


def _transition(payment: Payment, to: str, *, source: str, detail: str = "") -> bool:
    """Move a locked payment forward. Anything else (backwards, after finishing) is refused
    silently: it is a late or repeated report, not an error."""
    current = payment.state
    if current in FINISHED or to == current:
        return False
    if to not in FINISHED and RANK[to] <= RANK[current]:
        return False
    payment.state = to
    fields = ["state", "updated_at"]
    if to in FINISHED:
        payment.finished_at = timezone.now()
        fields.append("finished_at")
    payment.save(update_fields=fields)
    PaymentTransition.objects.create(
        payment=payment, from_state=current, to_state=to, source=source, detail=detail[:300]
    )
    return True


def payment_start(
    *,
    charge: Charge,
    method: str,
    idempotency_key: str,
    return_url: str,
    user: Any = None,
    language: str = "ja",
) -> Payment:
    """Begin paying a charge. The same idempotency key returns the first attempt; a new key
    while another attempt is open replaces that attempt, unless it has issued a コンビニ or
    Pay-easy number that may already be in a payer's hands."""
    if not IDEMPOTENCY_KEY.match(idempotency_key or ""):
        raise PaymentRefused(_("ページの有効期限が切れました。もう一度お試しください。"))
    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.charge_id != charge.pk or existing.method != method:
            raise IdempotencyConflict(
                _("同じ操作が別の内容で送られました。ページを開き直してください。")
            )
        return existing
    charge_type = charge.charge_type
    if method not in charge_type.methods:
        raise PaymentRefused(_("この支払方法は選べません。"))
    live = _live_attempt(charge)
    if live is not None and live.state == "submitted":
        raise PaymentRefused(
            _("お支払い番号を発行済みです。その番号で支払うか、番号を取り消してください。")
        )
    if live is not None:
        payment_sync(payment=live, source="replaced")
        live.refresh_from_db()
        if live.state in LIVE:
            _provider_cancel(live)
    try:
        with transaction.atomic():
            charge = Charge.objects.select_for_update().get(pk=charge.pk)
            if not charge.is_payable:
                raise PaymentRefused(_payable_message(charge))
            for old in Payment.objects.select_for_update().filter(charge=charge, state__in=LIVE):
                if old.state == "submitted":
                    raise PaymentRefused(
                        _(
                            "お支払い番号を発行済みです。その番号で支払うか、番号を取り消してください。"
                        )
                    )
                _transition(old, "cancelled", source="resident", detail="replaced by a new attempt")
            payment = Payment.objects.create(
                charge=charge,
                idempotency_key=idempotency_key,
                provider=charge_type.provider,
                method=method,
                amount=charge.amount,
                created_by=user if getattr(user, "is_authenticated", False) else None,
            )
            PaymentTransition.objects.create(payment=payment, to_state="created", source="resident")
    except IntegrityError:
        # Another request with this key, or another tab, got there first.
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        raise PaymentRefused(
            _("別の画面でお支払いが始まっています。このページを開き直してください。")
        ) from None
    from yakusho.procedures.selectors import localized

    description = localized(charge, "description", language).text
    try:
        created = providers.get(payment.provider).create(
            payment=payment,
            description=description,
            return_url=return_url.replace("{key}", str(payment.key)),
        )
    except providers.ProviderError as exc:
        with transaction.atomic():
            payment = Payment.objects.select_for_update().get(pk=payment.pk)
            payment.error_message = str(exc)[:300]
            payment.save(update_fields=["error_message", "updated_at"])
            _transition(payment, "error", source="provider", detail=str(exc))
        raise PaymentRefused(
            _(
                "決済サービスに接続できませんでした。お金は引き落とされていません。"
                "しばらくしてからもう一度お試しください。"
            )
        ) from None
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        payment.provider_ref = created.provider_ref
        payment.next_url = created.next_url
        payment.expires_at = created.expires_at
        payment.instructions = created.instructions
        payment.save()
        if payment.state != "created":  # replaced by another tab meanwhile
            raise PaymentRefused(
                _("別の画面でお支払いが始まっています。このページを開き直してください。")
            )
        _transition(payment, created.state, source="provider")
    audit_record(action="payment.start", actor=user, obj=payment, data={"method": method})
    return payment


def _payable_message(charge: Charge) -> str:
    if charge.state == Charge.State.PAID:
        return _("この請求は支払済みです。")
    if charge.state == Charge.State.EXPIRED:
        return _("支払期限が過ぎています。担当課にお問い合わせください。")
    return _("この請求は現在お支払いいただけません。担当課にお問い合わせください。")


def payment_sync(*, payment: Payment, source: str = "sync") -> Payment:
    """Ask the provider how the payment stands and record it (the resident's return, the
    periodic check of unfinished payments, recovery after a crash)."""
    if payment.finished or not payment.provider_ref:
        return payment
    try:
        status = providers.get(payment.provider).status(payment=payment)
    except providers.ProviderError:
        return payment
    with transaction.atomic():
        charge = Charge.objects.select_for_update().get(pk=payment.charge_id)
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        _apply_status(charge, locked, status, source=source)
        if (
            locked.state in ("created", "started")
            and locked.expires_at
            and locked.expires_at < timezone.now()
        ):
            _transition(locked, "expired", source=source, detail="no answer before expiry")
    return locked


def payment_cancel(*, payment: Payment, user: Any = None) -> Payment:
    """The resident drops an attempt (e.g. a コンビニ number they will not use)."""
    _provider_cancel(payment)
    payment = payment_sync(payment=payment, source="resident")
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        _transition(locked, "cancelled", source="resident", detail="cancelled by the payer")
    audit_record(action="payment.cancel", actor=user, obj=locked)
    return locked


def _apply_status(charge: Charge, payment: Payment, status: Any, *, source: str) -> str:
    """Record what the provider reported about a locked payment of a locked charge."""
    if status.instructions and status.instructions != payment.instructions:
        payment.instructions = {**payment.instructions, **status.instructions}
        payment.save(update_fields=["instructions", "updated_at"])
    if status.state in ("submitted", "success") and (
        status.amount != payment.amount or status.currency.upper() != "JPY"
    ):
        detail = (
            f"provider reported {status.amount} {status.currency}, expected {payment.amount} JPY"
        )
        _transition(payment, "error", source=source, detail=detail)
        _attention(charge, _("決済事業者の報告と金額が一致しません。"), state=Charge.State.ERROR)
        audit_record(action="payment.mismatch", obj=payment, data={"detail": detail})
        return WebhookEvent.Outcome.MISMATCH
    if status.state == "success":
        if payment.state == "success":
            return WebhookEvent.Outcome.IGNORED
        late = payment.state in FINISHED
        if not late:
            _transition(payment, "success", source=source)
        _ledger(
            kind=LedgerEntry.Kind.PAYMENT,
            payment=payment,
            charge=charge,
            external_ref=payment.provider_ref,
            amount=status.amount,
            occurred_at=status.occurred_at or timezone.now(),
        )
        if late:
            _attention(charge, _("終了した支払いに入金がありました。返金を確認してください。"))
        else:
            _charge_paid(charge, payment, status.occurred_at or timezone.now())
        return WebhookEvent.Outcome.APPLIED
    if status.state in ("started", "submitted") or status.state in FINISHED:
        moved = _transition(payment, status.state, source=source)
        return WebhookEvent.Outcome.APPLIED if moved else WebhookEvent.Outcome.IGNORED
    return WebhookEvent.Outcome.IGNORED


def _attention(charge: Charge, reason: str, *, state: str | None = None) -> None:
    charge.attention = str(reason)[:200]
    fields = ["attention", "updated_at"]
    if state and charge.state in (Charge.State.UNPAID, Charge.State.EXPIRED):
        charge.state = state
        fields.append("state")
    charge.save(update_fields=fields)


def _ledger(
    *,
    kind: str,
    payment: Payment | None,
    charge: Charge | None,
    external_ref: str,
    amount: int,
    occurred_at: dt.datetime,
    refund: Refund | None = None,
    provider: str = "",
    note: str = "",
) -> LedgerEntry | None:
    """Book one movement of money once; a repeat of the same reference books nothing."""
    provider = provider or (payment.provider if payment else "")
    if LedgerEntry.objects.filter(kind=kind, provider=provider, external_ref=external_ref).exists():
        return None
    with transaction.atomic():
        return LedgerEntry.objects.create(
            kind=kind,
            provider=provider,
            external_ref=external_ref,
            charge=charge,
            payment=payment,
            refund=refund,
            method=payment.method if payment else "",
            account_code=charge.charge_type.account_code if charge else "",
            amount=amount,
            occurred_at=occurred_at,
            note=note,
        )


def _charge_paid(charge: Charge, payment: Payment, at: dt.datetime) -> None:
    if charge.state == Charge.State.PAID:
        _attention(charge, _("二重に支払われています。返金してください。"))
        return
    if charge.state != Charge.State.UNPAID:
        _attention(charge, _("期限後または取消し後に支払われました。確認してください。"))
    charge.state = Charge.State.PAID
    charge.paid_at = at
    charge.save(update_fields=["state", "paid_at", "updated_at"])
    audit_record(action="charge.paid", obj=charge, data={"payment": str(payment.key)})
    if charge.submission_id:
        from yakusho.cases.services import case_payment_note

        case_payment_note(
            submission=charge.submission,
            note=_("手数料 %(amount)s円 の支払いを確認しました（納付番号 %(ref)s）。")
            % {"amount": f"{charge.amount:,}", "ref": charge.reference},
        )
    email = charge.submission.email if charge.submission_id else ""
    if not email and charge.owner_id:
        email = charge.owner.email
    if email:
        _email_payer(
            charge,
            to=email,
            language=charge.submission.language if charge.submission_id else "ja",
            key=f"charge-paid:{charge.reference}",
            template="payments/email/paid.txt",
            subject=_lazy("【お支払い完了】%(what)s（%(amount)s円）"),
            amount=charge.amount,
        )


def charge_pay_at_counter(*, charge: Charge, actor: Any, note: str = "") -> Payment:
    """Cash taken at the counter (窓口収納): recorded as a finished attempt of its own, with
    the same ledger line and receipt as an online payment."""
    live = _live_attempt(charge)
    if live is not None and live.state == "submitted":
        raise PaymentRefused(
            _("コンビニ・Pay-easyの番号が有効です。先に番号を取り消してください。")
        )
    if live is not None:
        _provider_cancel(live)
    with transaction.atomic():
        charge = Charge.objects.select_for_update().get(pk=charge.pk)
        if not charge.is_payable:
            raise PaymentRefused(_payable_message(charge))
        for old in Payment.objects.select_for_update().filter(charge=charge, state__in=LIVE):
            _transition(old, "cancelled", source="staff", detail="paid at the counter")
        payment = Payment.objects.create(
            charge=charge,
            provider="counter",
            method=Method.CASH,
            amount=charge.amount,
            created_by=actor,
        )
        payment.provider_ref = f"counter-{payment.key.hex[:16]}"
        payment.save(update_fields=["provider_ref"])
        PaymentTransition.objects.create(payment=payment, to_state="created", source="staff")
        _transition(payment, "success", source="staff", detail=note.strip()[:300])
        now = timezone.now()
        _ledger(
            kind=LedgerEntry.Kind.PAYMENT,
            payment=payment,
            charge=charge,
            external_ref=payment.provider_ref,
            amount=charge.amount,
            occurred_at=now,
            note=note.strip()[:200],
        )
        _charge_paid(charge, payment, now)
        audit_record(action="payment.counter", actor=actor, obj=charge, data={"note": note[:200]})
    return payment


# --- webhooks ------------------------------------------------------------------------------


def webhook_receive(*, provider_key: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """Verify, keep once, apply. Returns the HTTP status and a short word for the provider.

    A verified notification is always acknowledged (200), even when it changes nothing or
    names no payment we know, so the provider stops retrying; staff see those on the
    exceptions page. A forged or replayed one gets 400 and changes nothing."""
    try:
        provider = providers.get(provider_key)
    except providers.ProviderError:
        return 404, "unknown provider"
    try:
        event = provider.parse_webhook(body=body, headers=headers)
    except providers.WebhookRejected as exc:
        WebhookEvent.objects.create(
            provider=provider_key,
            outcome=WebhookEvent.Outcome.REJECTED,
            detail=str(exc)[:300],
            payload=body[:4000].decode("utf-8", "replace"),
        )
        return 400, "rejected"
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = WebhookEvent.objects.create(
                    provider=provider_key,
                    event_id=event.event_id,
                    event_type=event.event_type[:80],
                    outcome=WebhookEvent.Outcome.IGNORED,
                    payload=body[:20000].decode("utf-8", "replace"),
                )
        except IntegrityError:
            return 200, "duplicate"
        outcome, payment, detail = _webhook_apply(provider_key, event)
        record.outcome, record.payment, record.detail = outcome, payment, detail[:300]
        record.save(update_fields=["outcome", "payment", "detail", "updated_at"])
    return 200, outcome


def _webhook_apply(provider_key: str, event: providers.Event) -> tuple[str, Payment | None, str]:
    if event.refund_ref:
        refund = Refund.objects.filter(
            provider_ref=event.refund_ref, payment__provider=provider_key
        ).first()
        if refund is None:
            return WebhookEvent.Outcome.UNMATCHED, None, "no refund with this reference"
        charge = Charge.objects.select_for_update().get(pk=refund.payment.charge_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        moved = _refund_apply(charge, refund, event.refund_state, event.refund_ref)
        outcome = WebhookEvent.Outcome.APPLIED if moved else WebhookEvent.Outcome.IGNORED
        return outcome, refund.payment, ""
    if event.status is None:
        return WebhookEvent.Outcome.IGNORED, None, "event type not used"
    found = Payment.objects.filter(
        provider=provider_key, provider_ref=event.status.provider_ref
    ).first()
    if found is None:
        return WebhookEvent.Outcome.UNMATCHED, None, "no payment with this reference"
    charge = Charge.objects.select_for_update().get(pk=found.charge_id)
    payment = Payment.objects.select_for_update().get(pk=found.pk)
    outcome = _apply_status(charge, payment, event.status, source="webhook")
    return outcome, payment, ""


# --- refunds -------------------------------------------------------------------------------


def refundable_amount(charge: Charge) -> int:
    paid = (
        LedgerEntry.objects.filter(charge=charge, kind=LedgerEntry.Kind.PAYMENT).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    asked = (
        Refund.objects.filter(payment__charge=charge)
        .exclude(state=Refund.State.FAILED)
        .aggregate(total=Sum("amount"))["total"]
        or 0
    )
    return max(paid - asked, 0)


def refund_request(*, charge: Charge, amount: Any, reason: str, actor: Any) -> Refund:
    """Full or partial refund by staff with the right role (checked by the caller)."""
    amount = _amount(amount)
    reason = reason.strip()[:200]
    if not reason:
        raise ValidationError(_("返金の理由を入力してください。"))
    with transaction.atomic():
        charge = Charge.objects.select_for_update().get(pk=charge.pk)
        payment = charge.payments.filter(state="success").order_by("finished_at").first()
        if payment is None:
            raise PaymentRefused(_("支払われていない請求は返金できません。"))
        most = refundable_amount(charge)
        if amount > most:
            raise ValidationError(
                _("返金できる金額は最大 %(most)s円 です。") % {"most": f"{most:,}"}
            )
        refund = Refund.objects.create(
            payment=payment, amount=amount, reason=reason, requested_by=actor
        )
        audit_record(
            action="refund.request",
            actor=actor,
            obj=charge,
            data={"amount": amount, "reason": reason},
        )
    return refund_execute(refund=refund)


def refund_execute(*, refund: Refund) -> Refund:
    """Ask the provider (with the refund's own key, so a retry never refunds twice)."""
    if refund.state != Refund.State.PENDING:
        return refund
    try:
        result = providers.get(refund.payment.provider).refund(
            payment=refund.payment, refund=refund
        )
    except providers.ProviderError as exc:
        Refund.objects.filter(pk=refund.pk).update(error_message=str(exc)[:300])
        refund.refresh_from_db()
        return refund
    with transaction.atomic():
        charge = Charge.objects.select_for_update().get(pk=refund.payment.charge_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        _refund_apply(charge, refund, result.state, result.provider_ref)
    return refund


def _refund_apply(charge: Charge, refund: Refund, state: str, provider_ref: str) -> bool:
    if refund.state != Refund.State.PENDING:
        return False
    refund.provider_ref = provider_ref
    if state == "failed":
        refund.state = Refund.State.FAILED
        refund.save(update_fields=["state", "provider_ref", "updated_at"])
        return True
    if state != "success":
        refund.save(update_fields=["provider_ref", "updated_at"])
        return False
    refund.state = Refund.State.SUCCESS
    refund.save(update_fields=["state", "provider_ref", "updated_at"])
    _ledger(
        kind=LedgerEntry.Kind.REFUND,
        payment=refund.payment,
        charge=charge,
        refund=refund,
        external_ref=provider_ref,
        amount=-refund.amount,
        occurred_at=timezone.now(),
        note=refund.reason,
    )
    charge.amount_refunded += refund.amount
    fields = ["amount_refunded", "updated_at"]
    if charge.amount_refunded >= charge.amount:
        charge.state = Charge.State.REFUNDED
        fields.append("state")
    charge.save(update_fields=fields)
    audit_record(action="refund.done", obj=charge, data={"amount": refund.amount})
    if charge.submission_id and charge.submission.email:
        _email_payer(
            charge,
            to=charge.submission.email,
            language=charge.submission.language,
            key=f"refund:{refund.key}",
            template="payments/email/refunded.txt",
            subject=_lazy("【返金】%(what)s（%(amount)s円）"),
            amount=refund.amount,
            context={"refund": refund},
        )
    return True


# --- periodic ------------------------------------------------------------------------------


def payments_sync_unfinished(*, older_than: dt.timedelta = dt.timedelta(minutes=5)) -> int:
    """Resolve attempts nobody came back from: a closed tab, a lost notification, a worker
    killed between the provider's answer and our books."""
    cutoff = timezone.now() - older_than
    count = 0
    for payment in Payment.objects.filter(state__in=LIVE, updated_at__lt=cutoff).exclude(
        provider_ref=None
    )[:500]:
        before = payment.state
        if payment_sync(payment=payment).state != before:
            count += 1
    for refund in Refund.objects.filter(state=Refund.State.PENDING, updated_at__lt=cutoff)[:100]:
        refund_execute(refund=refund)
    return count


def charges_expire(*, today: dt.date | None = None) -> int:
    """Unpaid charges past their due date lapse; an issued コンビニ number still valid keeps
    its charge open until the number itself expires."""
    today = today or timezone.localdate()
    count = 0
    for charge in Charge.objects.filter(state=Charge.State.UNPAID, due_date__lt=today):
        live = _live_attempt(charge)
        if live is not None:
            live = payment_sync(payment=live, source="expiry")
            if live.state == "submitted" and (
                live.expires_at is None or live.expires_at > timezone.now()
            ):
                continue
            if live.state in LIVE:
                _provider_cancel(live)
        with transaction.atomic():
            locked = Charge.objects.select_for_update().get(pk=charge.pk)
            if locked.state != Charge.State.UNPAID:
                continue
            for payment in Payment.objects.select_for_update().filter(
                charge=locked, state__in=LIVE
            ):
                _transition(payment, "expired", source="expiry")
            locked.state = Charge.State.EXPIRED
            locked.save(update_fields=["state", "updated_at"])
            audit_record(action="charge.expire", obj=locked)
            if locked.submission_id:
                from yakusho.cases.services import case_payment_note

                case_payment_note(
                    submission=locked.submission,
                    note=_("手数料が支払期限までに支払われませんでした（納付番号 %(ref)s）。")
                    % {"ref": locked.reference},
                )
            count += 1
    return count


# --- settlement files and reconciliation ----------------------------------------------------


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("文字コードを読み取れません。UTF-8かShift_JISで保存してください。"))


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text.strip().replace("/", "-"))


def settlement_import(*, provider: str, name: str, content: bytes, actor: Any) -> SettlementFile:
    """A provider's settlement report: date,type,transaction_id,amount (payment, refund,
    fee). Provider fees are booked into the ledger; payments and refunds are compared."""
    if provider not in providers.available():
        raise ValidationError(_("決済事業者を選んでください。"))
    if len(content) > 20 * 1024 * 1024:
        raise ValidationError(_("ファイルが大きすぎます（20MBまで）。"))
    digest = hashlib.sha256(content).hexdigest()
    if SettlementFile.objects.filter(sha256=digest).exists():
        raise ValidationError(_("この明細はすでに取り込まれています。"))
    reader = csv.DictReader(io.StringIO(_decode(content)))
    expected = {"date", "type", "transaction_id", "amount"}
    if not reader.fieldnames or not expected <= {f.strip() for f in reader.fieldnames}:
        raise ValidationError(_("1行目に見出し date,type,transaction_id,amount が必要です。"))
    lines, errors = [], []
    for number, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        try:
            date = _date(row["date"])
            kind = row["type"]
            if kind not in LedgerEntry.Kind.values:
                raise ValueError("type")
            amount = int(row["amount"].replace(",", ""))
            if not row["transaction_id"]:
                raise ValueError("transaction_id")
        except (ValueError, KeyError):
            errors.append(
                _("%(line)s行目：日付・種類・取引ID・金額を確かめてください。") % {"line": number}
            )
            continue
        lines.append((date, kind, row["transaction_id"][:120], amount))
    if errors:
        raise ValidationError(errors[:10])
    if not lines:
        raise ValidationError(_("明細の行がありません。"))
    with transaction.atomic():
        file = SettlementFile.objects.create(
            provider=provider,
            name=name[:200],
            sha256=digest,
            uploaded_by=actor,
            first_date=min(line[0] for line in lines),
            last_date=max(line[0] for line in lines),
        )
        try:
            with transaction.atomic():
                SettlementLine.objects.bulk_create(
                    SettlementLine(
                        file=file, provider=provider, date=d, kind=k, external_ref=r, amount=a
                    )
                    for d, k, r, a in lines
                )
        except IntegrityError:
            raise ValidationError(_("すでに取り込んだ明細と同じ取引が含まれています。")) from None
        fee_refs = {ref for _d, kind, ref, _a in lines if kind == LedgerEntry.Kind.FEE}
        payments = {
            p.provider_ref: p
            for p in Payment.objects.filter(
                provider=provider, provider_ref__in=fee_refs
            ).select_related("charge__charge_type")
        }
        for date, kind, ref, amount in lines:
            if kind != LedgerEntry.Kind.FEE:
                continue
            payment = payments.get(ref)
            _ledger(
                kind=LedgerEntry.Kind.FEE,
                payment=payment,
                charge=payment.charge if payment else None,
                provider=provider,
                external_ref=ref,
                amount=amount,
                occurred_at=timezone.make_aware(dt.datetime.combine(date, dt.time(12))),
                note=name[:200],
            )
        audit_record(
            action="settlement.import",
            actor=actor,
            obj=file,
            data={"lines": len(lines), "provider": provider},
        )
    return file


# --- tax bills -----------------------------------------------------------------------------

TAX_COLUMNS = (
    "bill_number",
    "atena_number",
    "tax",
    "fiscal_year",
    "installment",
    "amount",
    "due_date",
    "el_number",
    "el_qr",
    "paid_on",
)


def tax_bills_import(*, content: bytes, actor: Any = None) -> int:
    """Bills and payment status from the core tax system (CSV with the columns above).
    All or nothing: one bad line refuses the file with the line numbers."""
    from yakusho.residents.models import ResidentRecord

    reader = csv.DictReader(io.StringIO(_decode(content)))
    if not reader.fieldnames or not set(TAX_COLUMNS) <= {f.strip() for f in reader.fieldnames}:
        raise ValidationError(
            _("見出しの列が足りません：%(cols)s") % {"cols": ",".join(TAX_COLUMNS)}
        )
    rows, errors = [], []
    residents = dict(ResidentRecord.objects.values_list("atena_number", "pk"))
    for number, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        try:
            resident = residents[row["atena_number"]]
            values = {
                "resident_id": resident,
                "tax": row["tax"][:40],
                "fiscal_year": int(row["fiscal_year"]),
                "installment": row["installment"][:20],
                "amount": _amount(int(row["amount"].replace(",", ""))),
                "due_date": _date(row["due_date"]),
                "el_number": row["el_number"][:60],
                "el_qr": row["el_qr"][:400],
                "paid_on": _date(row["paid_on"]) if row["paid_on"] else None,
            }
            if not row["bill_number"] or not values["el_number"]:
                raise ValueError
        except (KeyError, ValueError, ValidationError):
            errors.append(_("%(line)s行目を読み取れません。") % {"line": number})
            continue
        rows.append((row["bill_number"][:30], values))
    if errors:
        raise ValidationError(errors[:10])
    with transaction.atomic():
        for bill_number, values in rows:
            TaxBill.objects.update_or_create(bill_number=bill_number, defaults=values)
        audit_record(action="taxbills.import", actor=actor, data={"rows": len(rows)})
    return len(rows)
