"""Charges (what a resident owes), payments (attempts to pay one through a provider), the
provider's webhooks, the money ledger, refunds, settlement files and imported tax bills.

Amounts are whole yen. The ledger and the transition history are append-only: the model
refuses updates and deletes, and a database trigger refuses UPDATE as well."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yakusho.core.models import TimeStampedModel


class Method(models.TextChoices):
    CARD = "card", _("クレジットカード")
    KONBINI = "konbini", _("コンビニ払い")
    PAYEASY = "payeasy", _("Pay-easy（ペイジー）")
    CASH = "cash", _("現金（窓口）")


class Timing(models.TextChoices):
    """When a procedure's fee is paid (申請時決済 / 審査後決済)."""

    NONE = "", _("手数料なし")
    BEFORE = "before", _("申請時に支払う（事前決済）")
    AFTER = "after", _("審査の後に市が請求する（事後決済）")


class ChargeType(TimeStampedModel):
    """A kind of money the city collects: which provider takes it, which methods are offered,
    and the revenue account (歳入科目) the finance system books it to."""

    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_translations = models.JSONField(_("名称（各言語）"), default=dict, blank=True)
    provider = models.CharField(_("決済事業者"), max_length=20, default="demo")
    methods = models.JSONField(_("支払方法"), default=list)
    account_code = models.CharField(_("歳入科目コード"), max_length=20, blank=True)
    account_name = models.CharField(_("歳入科目"), max_length=60, blank=True)
    due_days = models.PositiveSmallIntegerField(_("支払期限（日数）"), default=7)
    konbini_days = models.PositiveSmallIntegerField(_("コンビニ払いの期限（日数）"), default=3)

    class Meta:
        verbose_name = _("収納の種類")
        verbose_name_plural = _("収納の種類")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Charge(TimeStampedModel):
    """What a resident owes, created by the service that needs the money."""

    class State(models.TextChoices):
        UNPAID = "unpaid", _("未払い")
        PAID = "paid", _("支払済み")
        REFUNDED = "refunded", _("返金済み")
        EXPIRED = "expired", _("支払期限切れ")
        CANCELLED = "cancelled", _("取消し")
        ERROR = "error", _("要確認")

    reference = models.CharField(_("納付番号"), max_length=12, unique=True)
    charge_type = models.ForeignKey(
        ChargeType, verbose_name=_("収納の種類"), on_delete=models.PROTECT, related_name="charges"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="charges",
    )
    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, related_name="charges"
    )
    # The object it pays for: a submission now, a booking later.
    submission = models.ForeignKey(
        "procedures.Submission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="charges",
    )
    purpose_label = models.CharField(_("支払うもの"), max_length=120, blank=True)
    description = models.CharField(_("内容"), max_length=200)
    description_translations = models.JSONField(_("内容（各言語）"), default=dict, blank=True)
    amount = models.PositiveIntegerField(_("金額（円）"))
    currency = models.CharField(max_length=3, default="JPY", editable=False)
    due_date = models.DateField(_("支払期限"))
    state = models.CharField(
        _("状態"), max_length=10, choices=State.choices, default=State.UNPAID, db_index=True
    )
    paid_at = models.DateTimeField(_("支払日時"), null=True, blank=True)
    amount_refunded = models.PositiveIntegerField(_("返金額（円）"), default=0)
    attention = models.CharField(_("確認が必要な理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("請求")
        verbose_name_plural = _("請求")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="charge_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=models.F("amount")),
                name="charge_refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_payable(self) -> bool:
        return self.state == self.State.UNPAID


class Payment(TimeStampedModel):
    """One attempt to pay a charge through a provider (GOV.UK Pay's lifecycle)."""

    class State(models.TextChoices):
        CREATED = "created", _("作成")
        STARTED = "started", _("手続き中")
        SUBMITTED = "submitted", _("支払待ち")
        SUCCESS = "success", _("支払完了")
        FAILED = "failed", _("失敗")
        CANCELLED = "cancelled", _("取消し")
        EXPIRED = "expired", _("期限切れ")
        ERROR = "error", _("エラー")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="payments")
    # NULL, not "": many attempts have no key, and NULLs do not collide in a unique index.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    provider = models.CharField(_("決済事業者"), max_length=20)
    method = models.CharField(_("支払方法"), max_length=10, choices=Method.choices)
    provider_ref = models.CharField(  # noqa: DJ001  (NULL until the provider answers; unique)
        _("決済事業者の取引ID"), max_length=120, null=True, blank=True
    )
    amount = models.PositiveIntegerField(_("金額（円）"))
    state = models.CharField(
        _("状態"), max_length=10, choices=State.choices, default=State.CREATED, db_index=True
    )
    next_url = models.URLField(max_length=500, blank=True)
    instructions = models.JSONField(default=dict, blank=True)  # コンビニ: 番号と期限
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error_message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("支払い")
        verbose_name_plural = _("支払い")
        ordering = ["-created_at"]
        constraints = [
            # Two tabs, two clicks: a charge has at most one attempt in progress.
            models.UniqueConstraint(
                fields=["charge"],
                condition=Q(state__in=["created", "started", "submitted"]),
                name="payment_one_live_attempt",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_ref"], name="payment_provider_ref_once"
            ),
        ]

    def __str__(self) -> str:
        return f"payment {self.key}"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


FINISHED = frozenset({"success", "failed", "cancelled", "expired", "error"})


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{self._meta.label} rows are append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self._meta.label} rows are append-only")


class PaymentTransition(AppendOnly):
    """Every state change of a payment, with what caused it."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)
    source = models.CharField(max_length=20)  # resident, webhook, sync, expiry, staff, recovery
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("支払いの状態の変化")
        verbose_name_plural = _("支払いの状態の変化")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.from_state or '-'} → {self.to_state}"


class WebhookEvent(TimeStampedModel):
    """A notification from a provider. Verified ones are kept once per event id, which makes
    at-least-once delivery safe; rejected ones are kept for inspection without an id."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("反映")
        IGNORED = "ignored", _("変化なし")
        UNMATCHED = "unmatched", _("該当する支払いなし")
        MISMATCH = "mismatch", _("金額の不一致")
        REJECTED = "rejected", _("署名が不正")

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001  (unique)
    event_type = models.CharField(max_length=80, blank=True)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="webhooks"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    detail = models.CharField(max_length=300, blank=True)
    payload = models.TextField(blank=True)

    class Meta:
        verbose_name = _("決済通知")
        verbose_name_plural = _("決済通知")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once")
        ]


class Refund(TimeStampedModel):
    class State(models.TextChoices):
        PENDING = "pending", _("処理中")
        SUCCESS = "success", _("返金済み")
        FAILED = "failed", _("失敗")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField(_("返金額（円）"))
    reason = models.CharField(_("理由"), max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    provider_ref = models.CharField(max_length=120, blank=True)
    error_message = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("返金")
        verbose_name_plural = _("返金")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")
        ]


class LedgerEntry(AppendOnly):
    """One movement of money. Payments are positive, refunds and provider fees negative.
    Keyed by (kind, provider, external_ref) so that a repeated notification books nothing."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("収納")
        REFUND = "refund", _("返金")
        FEE = "fee", _("決済手数料")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    provider = models.CharField(max_length=20)
    external_ref = models.CharField(max_length=120)
    charge = models.ForeignKey(
        Charge, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger"
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger"
    )
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger"
    )
    method = models.CharField(max_length=10, blank=True)
    account_code = models.CharField(max_length=20, blank=True)
    amount = models.IntegerField()
    occurred_at = models.DateTimeField(db_index=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("収納台帳")
        verbose_name_plural = _("収納台帳")
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "provider", "external_ref"], name="ledger_entry_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.external_ref}"


class SettlementFile(TimeStampedModel):
    """A provider's settlement report (入金明細), imported to reconcile against the ledger."""

    provider = models.CharField(_("決済事業者"), max_length=20)
    name = models.CharField(_("ファイル名"), max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    first_date = models.DateField(null=True)
    last_date = models.DateField(null=True)

    class Meta:
        verbose_name = _("入金明細")
        verbose_name_plural = _("入金明細")
        ordering = ["-created_at"]


class SettlementLine(models.Model):
    file = models.ForeignKey(SettlementFile, on_delete=models.CASCADE, related_name="lines")
    provider = models.CharField(max_length=20)
    date = models.DateField(db_index=True)
    kind = models.CharField(max_length=10, choices=LedgerEntry.Kind.choices)
    external_ref = models.CharField(max_length=120)
    amount = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "kind", "external_ref"], name="settlement_line_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.amount} {self.external_ref}"


class TaxBill(TimeStampedModel):
    """A local tax bill from the core tax system. yakusho shows it with its eL-QR data and
    links to the national payment site; it never collects taxes itself."""

    bill_number = models.CharField(_("通知書番号"), max_length=30, unique=True)
    resident = models.ForeignKey(
        "residents.ResidentRecord", on_delete=models.CASCADE, related_name="tax_bills"
    )
    tax = models.CharField(_("税目"), max_length=40)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    installment = models.CharField(_("期別"), max_length=20)
    amount = models.PositiveIntegerField(_("金額（円）"))
    due_date = models.DateField(_("納期限"))
    el_number = models.CharField(_("eL番号"), max_length=60)
    el_qr = models.CharField(_("eL-QRの内容"), max_length=400)
    paid_on = models.DateField(_("納付日"), null=True, blank=True)

    class Meta:
        verbose_name = _("税の納付書")
        verbose_name_plural = _("税の納付書")
        ordering = ["due_date", "bill_number"]

    def __str__(self) -> str:
        return self.bill_number


class DemoProviderPayment(TimeStampedModel):
    """The demo provider's own books: what an offline sandbox 'provider' knows about a
    payment. Only the demo plugin reads or writes this table."""

    ref = models.CharField(max_length=40, unique=True)
    method = models.CharField(max_length=10)
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="JPY")
    state = models.CharField(max_length=10, default="started")
    return_url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    instructions = models.JSONField(default=dict, blank=True)
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded = models.PositiveIntegerField(default=0)
    refund_log = models.JSONField(default=list, blank=True)  # [[ref, amount, iso date], …]
