"""Reads of the payments app: what a resident owes, what a member of staff may see, and
the reconciliation of the ledger against providers' settlement files."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from yakusho.accounts.models import Role
from yakusho.accounts.selectors import staff_scope
from yakusho.core.reads import Statement
from yakusho.procedures.receipt import normalize_receipt_number

from .models import Charge, ChargeType, LedgerEntry, Payment, SettlementLine, TaxBill, WebhookEvent


def charge_type_exists(code: str) -> bool:
    return bool(code) and ChargeType.objects.filter(code=code).exists()


def charges_of(user: Any) -> QuerySet[Charge]:
    """The user's charges, newest first (`user` may be the user's key)."""
    # The API shows only the charges' own fields: no joins.
    return Charge.objects.filter(owner=user).order_by("-created_at")


def _charges_shown(owner: int) -> QuerySet[Charge]:
    # The columns マイページ shows.
    return charges_of(owner).only(
        "reference", "description", "description_translations", "amount", "due_date", "paid_at"
    )


_UNPAID = Statement(
    lambda owner: _charges_shown(owner).filter(state=Charge.State.UNPAID), bind=("owner",)
)
_PAID = Statement(
    lambda owner, limit: _charges_shown(owner).exclude(paid_at=None)[:limit], bind=("owner",)
)


def _tax_bills(resident: Any) -> QuerySet[TaxBill]:
    # Unpaid first, by due date.
    return TaxBill.objects.filter(resident_id=resident).order_by(
        F("paid_on").asc(nulls_first=True), "due_date"
    )


_TAX_BILLS = Statement(_tax_bills, bind=("resident",))


def unpaid_and_paid_of(user: Any, *, paid_limit: int) -> tuple[list[Charge], list[Charge]]:
    """マイページ's two lists: everything still to pay, and the newest payments made."""
    return _UNPAID(owner=user.pk), _PAID(owner=user.pk, limit=paid_limit)


def tax_bills_listed_for(user: Any) -> list[TaxBill]:
    """マイページ's tax bills: unpaid first, by due date."""
    resident = getattr(user, "resident_id", None)
    return _TAX_BILLS(resident=resident) if resident else []


def charges_for_submission(submission: Any) -> list[Charge]:
    return list(
        Charge.objects.filter(submission=submission)
        .select_related("charge_type")
        .order_by("created_at")
    )


def unpaid_charge_for(submission: Any) -> Charge | None:
    return (
        Charge.objects.filter(submission=submission, state=Charge.State.UNPAID)
        .order_by("created_at")
        .first()
    )


def live_payment(charge: Charge) -> Payment | None:
    return charge.payments.filter(state__in=["created", "started", "submitted"]).first()


def tax_bills_of(user: Any) -> QuerySet[TaxBill]:
    if not getattr(user, "resident_id", None):
        return TaxBill.objects.none()
    return _tax_bills(user.resident_id)


# --- staff ---------------------------------------------------------------------------------


def is_accounting(user: Any) -> bool:
    """会計課 (the accounting department) reconciles and exports for every department.
    Cached on the user object for the rest of the request, as `staff_scope` is."""
    cached = getattr(user, "_payments_accounting", None)
    if cached is None:
        department = _accounting_department_id()
        cached = department is not None and department in staff_scope(user).roles_by_department
        user._payments_accounting = cached
    return cached


def _accounting_department_id() -> int | None:
    from yakusho.core.models import Department

    return (
        Department.objects.filter(code=settings.PAYMENTS_ACCOUNTING_DEPARTMENT)
        .values_list("pk", flat=True)
        .first()
    )


def charges_visible_to(user: Any) -> QuerySet[Charge]:
    charges = Charge.objects.select_related("charge_type", "department", "submission")
    if is_accounting(user):
        return charges
    return charges.filter(department_id__in=staff_scope(user).department_ids())


def may_refund(user: Any, charge: Charge) -> bool:
    """決裁者 or 所属長 of the department the money is for."""
    scope = staff_scope(user)
    return charge.department_id in scope.department_ids(Role.KESSAI, Role.SHOZOKUCHO)


def charge_search(user: Any, *, q: str = "", state: str = "", attention: bool = False):
    charges = charges_visible_to(user)
    q = q.strip()
    if q:
        number = normalize_receipt_number(q)
        if number:
            charges = charges.filter(
                Q(reference=number) | Q(purpose_label=number) | Q(submission__receipt_number=number)
            )
        else:
            charges = charges.filter(
                Q(description__icontains=q) | Q(payments__provider_ref=q)
            ).distinct()
    if state:
        charges = charges.filter(state=state)
    if attention:
        charges = charges.exclude(attention="")
    return charges.order_by("-created_at")


def charge_history(charge: Charge) -> dict[str, Any]:
    payments = list(
        charge.payments.prefetch_related("transitions", "refunds").order_by("created_at")
    )
    return {
        "payments": payments,
        "webhooks": WebhookEvent.objects.filter(payment__charge=charge).order_by("created_at"),
        "ledger": charge.ledger.order_by("occurred_at", "pk"),
    }


def online_payments_received(*, since: dt.datetime, until: dt.datetime) -> int:
    """Payments received online in [since, until): the ledger's payment lines, each counted
    once however its notifications arrived; cash at the counter is not online."""
    return (
        LedgerEntry.objects.filter(
            kind=LedgerEntry.Kind.PAYMENT, occurred_at__gte=since, occurred_at__lt=until
        )
        .exclude(provider="counter")
        .count()
    )


def webhook_exceptions() -> QuerySet[WebhookEvent]:
    return WebhookEvent.objects.filter(
        outcome__in=[
            WebhookEvent.Outcome.REJECTED,
            WebhookEvent.Outcome.UNMATCHED,
            WebhookEvent.Outcome.MISMATCH,
        ]
    ).order_by("-created_at")


# --- reconciliation (消込) -------------------------------------------------------------------


@dataclass
class Difference:
    kind: str
    external_ref: str
    date: dt.date
    ledger_amount: int | None
    settlement_amount: int | None
    charge: Charge | None = None

    @property
    def problem(self) -> str:
        if self.ledger_amount is None:
            return "missing_in_ledger"
        if self.settlement_amount is None:
            return "missing_in_settlement"
        return "amount"


@dataclass
class Group:
    """One day × charge type: totals from both sides."""

    date: dt.date
    charge_type: str
    ledger_total: int = 0
    settlement_total: int = 0
    matched: int = 0

    @property
    def balanced(self) -> bool:
        return self.ledger_total == self.settlement_total


@dataclass
class Reconciliation:
    provider: str
    first: dt.date
    last: dt.date
    groups: list[Group] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    fees: int = 0

    @property
    def matched(self) -> int:
        return sum(g.matched for g in self.groups)


def reconciliation(*, provider: str, first: dt.date, last: dt.date) -> Reconciliation:
    """Match the ledger's payments and refunds against the provider's settlement lines by
    transaction id, per day and per charge type, and list every difference."""
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    ledger = {
        (e.kind, e.external_ref): e
        for e in LedgerEntry.objects.filter(
            provider=provider,
            kind__in=[LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND],
            occurred_at__gte=start,
            occurred_at__lt=end,
        ).select_related("charge__charge_type")
    }
    lines = {
        (line.kind, line.external_ref): line
        for line in SettlementLine.objects.filter(
            provider=provider,
            kind__in=[LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND],
            date__range=(first, last),
        )
    }
    result = Reconciliation(provider=provider, first=first, last=last)
    result.fees = sum(
        LedgerEntry.objects.filter(
            provider=provider,
            kind=LedgerEntry.Kind.FEE,
            occurred_at__gte=start,
            occurred_at__lt=end,
        ).values_list("amount", flat=True)
    )
    groups: dict[tuple[dt.date, str], Group] = {}

    def group(date: dt.date, charge_type: str) -> Group:
        return groups.setdefault((date, charge_type), Group(date=date, charge_type=charge_type))

    unknown = "—"
    # Settlement lines the ledger lacks may still name a payment we know: one query for all.
    orphans = {ref for kind, ref in lines if (kind, ref) not in ledger}
    known = {
        p.provider_ref: p.charge
        for p in Payment.objects.filter(provider=provider, provider_ref__in=orphans).select_related(
            "charge__charge_type"
        )
    }
    for key in sorted(set(ledger) | set(lines)):
        entry, line = ledger.get(key), lines.get(key)
        charge = entry.charge if entry else known.get(key[1])
        type_name = charge.charge_type.name if charge else unknown
        date = timezone.localtime(entry.occurred_at).date() if entry else line.date
        g = group(date, type_name)
        if entry:
            g.ledger_total += entry.amount
        if line:
            g.settlement_total += line.amount
        if entry and line and entry.amount == line.amount:
            g.matched += 1
            continue
        result.differences.append(
            Difference(
                kind=key[0],
                external_ref=key[1],
                date=date,
                ledger_amount=entry.amount if entry else None,
                settlement_amount=line.amount if line else None,
                charge=charge,
            )
        )
    result.groups = sorted(groups.values(), key=lambda g: (g.date, g.charge_type))
    return result


# --- export for the finance system (財務会計) ---------------------------------------------------

EXPORT_HEADER = [
    "収納日",
    "歳入科目コード",
    "歳入科目",
    "納付番号",
    "件名",
    "区分",
    "金額",
    "支払方法",
    "決済事業者",
    "取引ID",
]


def ledger_rows(*, first: dt.date, last: dt.date) -> list[list[str]]:
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    rows = []
    kinds = dict(LedgerEntry.Kind.choices)
    methods = {"card": "クレジットカード", "konbini": "コンビニ", "payeasy": "Pay-easy"}
    for e in (
        LedgerEntry.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .select_related("charge__charge_type")
        .order_by("occurred_at", "pk")
    ):
        charge = e.charge
        rows.append(
            [
                timezone.localtime(e.occurred_at).date().isoformat(),
                e.account_code,
                charge.charge_type.account_name if charge else "",
                charge.reference if charge else "",
                charge.description if charge else e.note,
                str(kinds.get(e.kind, e.kind)),
                str(e.amount),
                methods.get(e.method, e.method),
                e.provider,
                e.external_ref,
            ]
        )
    return rows


def ledger_csv(*, first: dt.date, last: dt.date, encoding: str = "utf-8-sig") -> bytes:
    """UTF-8 with BOM (Excel opens it) or CP932 (older 財務会計 systems); a character CP932
    lacks becomes 〓 (geta), the customary mark, rather than failing the export."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_HEADER)
    writer.writerows(ledger_rows(first=first, last=last))
    text = buffer.getvalue()
    if encoding == "cp932":
        return "".join(_cp932(ch) for ch in text).encode("cp932")
    return text.encode("utf-8-sig")


def _cp932(ch: str) -> str:
    try:
        ch.encode("cp932")
    except UnicodeEncodeError:
        return "〓"
    return ch
