"""Residents' payment pages, the provider webhook endpoint and the demo provider's sandbox."""

from __future__ import annotations

import datetime as dt
import hmac
import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from yakusho.procedures.selectors import sent_in_session

from . import selectors, services
from .forms import MethodForm, SandboxForm, SettleForm
from .models import Charge, DemoProviderPayment, Payment
from .receipts import receipt_pdf, receipt_token

STORES = {
    "familymart": _lazy("ファミリーマート"),
    "lawson": _lazy("ローソン"),
    "ministop": _lazy("ミニストップ"),
    "seicomart": _lazy("セイコーマート"),
}


def _may_see(request: HttpRequest, charge: Charge) -> bool:
    if charge.owner_id is not None:
        return request.user.is_authenticated and request.user.pk == charge.owner_id
    return sent_in_session(request.session, charge.purpose_label)


def _charge(request: HttpRequest, reference: str) -> Charge:
    charge = (
        Charge.objects.select_related("charge_type", "submission__procedure")
        .filter(reference=reference)
        .first()
    )
    if charge is None or not _may_see(request, charge):
        raise Http404
    return charge


@require_http_methods(["GET", "POST"])
def charge_detail(request: HttpRequest, reference: str) -> HttpResponse:
    charge = _charge(request, reference)
    live = selectors.live_payment(charge)
    form = MethodForm(request.POST if request.POST.get("action") == "pay" else None, charge=charge)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel" and live is not None:
            services.payment_cancel(payment=live, user=request.user)
            messages.success(request, _("お支払い番号を取り消しました。別の方法で支払えます。"))
            return redirect("payments:charge", reference=reference)
        if action == "pay" and form.is_valid():
            # The provider sends the resident back here; {key} becomes the attempt's key.
            return_url = request.build_absolute_uri(
                reverse("payments:return", args=[uuid.UUID(int=0)])
            ).replace(str(uuid.UUID(int=0)), "{key}")
            try:
                payment = services.payment_start(
                    charge=charge,
                    method=form.cleaned_data["method"],
                    idempotency_key=request.POST.get("key", ""),
                    return_url=return_url,
                    user=request.user,
                    language=request.LANGUAGE_CODE,
                )
            except services.PaymentRefused as refused:
                messages.error(request, refused.message)
                return redirect("payments:charge", reference=reference)
            if payment.state in ("created", "started") and payment.next_url:
                return HttpResponseRedirect(payment.next_url)
            return redirect("payments:charge", reference=reference)
    stores = live.instructions.get("stores", []) if live else []
    return render(
        request,
        "payments/charge.html",
        {
            "charge": charge,
            "live": live,
            "stores": [str(STORES.get(code, code)) for code in stores],
            "form": form,
            "key": uuid.uuid4(),
            "sent": request.GET.get("sent") == "1",
            "receipt": charge.paid_at is not None,  # as the receipt view decides
            "breadcrumbs": [
                (_("ホーム"), reverse("portal:home")),
                (_("マイページ"), reverse("portal:mypage")),
                (_("お支払い"), ""),
            ],
        },
    )


def payment_return(request: HttpRequest, key: str) -> HttpResponse:
    """Where the provider sends the resident back. The notification may come before or
    after; asking the provider here settles it either way."""
    payment = Payment.objects.select_related("charge").filter(key=key).first()
    if payment is None or not _may_see(request, payment.charge):
        raise Http404
    payment = services.payment_sync(payment=payment, source="return")
    texts = {
        "success": (messages.SUCCESS, _("お支払いが完了しました。ありがとうございました。")),
        "submitted": (
            messages.SUCCESS,
            _("お支払い番号を発行しました。期限までにお支払いください。"),
        ),
        "failed": (
            messages.ERROR,
            _(
                "お支払いができませんでした。お金は引き落とされていません。別の方法もお試しください。"
            ),
        ),
        "cancelled": (
            messages.WARNING,
            _("お支払いを中止しました。お金は引き落とされていません。"),
        ),
        "expired": (
            messages.WARNING,
            _("時間切れのため、お支払いは完了していません。もう一度お試しください。"),
        ),
        "error": (
            messages.ERROR,
            _("お支払いを確認できませんでした。担当課が確認してご連絡します。"),
        ),
    }
    level, text = texts.get(
        payment.state,
        (
            messages.INFO,
            _("お支払いの結果を確認しています。しばらくしてからこのページを開き直してください。"),
        ),
    )
    messages.add_message(request, level, text)
    return redirect("payments:charge", reference=payment.charge.reference)


def tax_bill(request: HttpRequest, number: str) -> HttpResponse:
    """A tax bill with its eL-QR code to scan with a payment app or at a bank; yakusho only
    shows it (taxes are paid through eLTAX)."""
    import segno

    bill = selectors.tax_bills_of(request.user).filter(bill_number=number).first()
    if bill is None:
        raise Http404
    qr = segno.make(bill.el_qr, error="m").svg_inline(scale=4, omitsize=False)
    return render(
        request,
        "payments/tax_bill.html",
        {
            "bill": bill,
            "qr": qr,
            "breadcrumbs": [
                (_("ホーム"), reverse("portal:home")),
                (_("マイページ"), reverse("portal:mypage")),
                (_("税金の納付書"), ""),
            ],
        },
    )


def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    charge = _charge(request, reference)
    if charge.paid_at is None:
        raise Http404
    response = HttpResponse(receipt_pdf(charge), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ryoshusho-{charge.reference}.pdf"'
    return response


def receipt_verify(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    """Public: the QR code on a receipt opens this page. It shows no personal data."""
    charge = Charge.objects.filter(reference=reference).select_related("charge_type").first()
    valid = (
        charge is not None
        and charge.paid_at is not None
        and hmac.compare_digest(receipt_token(charge), token)
    )
    return render(request, "payments/receipt_verify.html", {"charge": charge if valid else None})


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    status, outcome = services.webhook_receive(
        provider_key=provider, body=request.body, headers=dict(request.headers)
    )
    return JsonResponse({"result": outcome}, status=status)


# --- the demo provider's pages --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def demo_sandbox(request: HttpRequest, ref: str) -> HttpResponse:
    from .providers import demo

    row = get_object_or_404(DemoProviderPayment, ref=ref)
    if row.method == "card":
        choices = [
            ("success", _("支払いに成功する")),
            ("decline", _("カードが使えない（失敗）")),
            ("cancel", _("支払いをやめて戻る")),
        ]
    else:
        choices = [
            ("issue", _("お支払い番号を発行する")),
            ("cancel", _("支払いをやめて戻る")),
        ]
    form = SandboxForm(request.POST or None, initial={"outcome": choices[0][0]})
    form.fields["outcome"].choices = choices
    if request.method == "POST" and form.is_valid():
        url = demo.sandbox_choose(
            ref=ref,
            outcome=form.cleaned_data["outcome"],
            duplicate=form.cleaned_data["duplicate"],
            delay=60 if form.cleaned_data["delay"] else 0,
        )
        return HttpResponseRedirect(url)
    settle = SettleForm(initial={"paid_at": timezone.localdate() + dt.timedelta(days=2)})
    return render(
        request,
        "payments/demo_sandbox.html",
        {"row": row, "form": form, "settle": settle, "open": row.state == "started"},
    )


@require_POST
def demo_settle(request: HttpRequest, ref: str) -> HttpResponse:
    """A simulated store or bank notification for an issued コンビニ/Pay-easy number."""
    from .providers import ProviderError, demo

    row = get_object_or_404(DemoProviderPayment, ref=ref)
    form = SettleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("日付を正しく入力してください。"))
        return redirect("payments:demo_sandbox", ref=row.ref)
    paid_at = timezone.make_aware(dt.datetime.combine(form.cleaned_data["paid_at"], dt.time(10)))
    try:
        demo.sandbox_settle(ref=ref, paid_at=paid_at, duplicate=form.cleaned_data["duplicate"])
    except ProviderError:
        messages.error(request, _("このお支払い番号は支払待ちではありません。"))
    else:
        messages.success(request, _("入金の通知を送りました。"))
    return redirect("payments:demo_sandbox", ref=row.ref)
