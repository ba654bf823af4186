"""Staff pages: charges and payments with their full history, refunds, reconciliation
(消込) against settlement files, the finance export and the webhook exceptions."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yakusho.core.audit import audit_record
from yakusho.core.network import client_ip
from yakusho.office.permissions import staff_required

from . import providers, selectors, services
from .forms import CancelForm, ExportForm, ReconcileForm, RefundForm, SearchForm, SettlementForm
from .models import Charge, SettlementFile


def _crumbs(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        (_("職員ポータル"), reverse("office:dashboard")),
        (_("収納"), reverse("office_payments:charges")),
        *extra,
    ]


def _require_accounting(request: HttpRequest) -> None:
    if not selectors.is_accounting(request.user):
        raise PermissionDenied


def _provider_choices() -> list[tuple[str, str]]:
    return [(key, str(providers.get(key).label)) for key in providers.available()]


@staff_required
def charges(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    found = selectors.charge_search(
        request.user,
        q=data.get("q", ""),
        state=data.get("state", ""),
        attention=data.get("attention", False),
    )
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    audit_record(
        action="charge.list",
        actor=request.user,
        ip_address=client_ip(request),
        data={"q": data.get("q", ""), "ids": [c.pk for c in page.object_list]},
    )
    return render(
        request,
        "payments/office/charges.html",
        {
            "form": form,
            "page": page,
            "accounting": selectors.is_accounting(request.user),
            "breadcrumbs": _crumbs(),
        },
    )


def _visible(request: HttpRequest, reference: str) -> Charge:
    charge = selectors.charges_visible_to(request.user).filter(reference=reference).first()
    if charge is None:
        raise Http404
    return charge


@staff_required
def charge(request: HttpRequest, reference: str) -> HttpResponse:
    found = _visible(request, reference)
    audit_record(action="charge.view", actor=request.user, obj=found, ip_address=client_ip(request))
    refundable = services.refundable_amount(found)
    may_act = selectors.may_refund(request.user, found)
    return render(
        request,
        "payments/office/charge.html",
        {
            "charge": found,
            **selectors.charge_history(found),
            "refund_form": RefundForm(initial={"amount": refundable}),
            "cancel_form": CancelForm(),
            "may_refund": may_act and refundable > 0,
            "refundable": refundable,
            "may_cancel": may_act and found.state == Charge.State.UNPAID,
            "breadcrumbs": _crumbs((found.reference, "")),
        },
    )


@staff_required
@require_POST
def refund(request: HttpRequest, reference: str) -> HttpResponse:
    found = _visible(request, reference)
    if not selectors.may_refund(request.user, found):
        raise PermissionDenied
    form = RefundForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("office_payments:charge", reference=reference)
    try:
        done = services.refund_request(
            charge=found,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except services.PaymentRefused as exc:
        messages.error(request, exc.message)
    else:
        if done.state == "success":
            messages.success(request, _("返金しました。"))
        elif done.state == "failed":
            messages.error(request, _("決済事業者が返金を受け付けませんでした。"))
        else:
            messages.warning(
                request,
                _("返金を依頼しました。決済事業者の処理が終わると反映されます。")
                + (f"（{done.error_message}）" if done.error_message else ""),
            )
    return redirect("office_payments:charge", reference=reference)


@staff_required
@require_POST
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    found = _visible(request, reference)
    if not selectors.may_refund(request.user, found):
        raise PermissionDenied
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("取り消す理由を入力してください。"))
        return redirect("office_payments:charge", reference=reference)
    try:
        services.charge_cancel(charge=found, reason=form.cleaned_data["reason"], actor=request.user)
    except (services.PaymentRefused, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", None) or exc.messages[0])
    else:
        messages.success(request, _("請求を取り消しました。"))
    return redirect("office_payments:charge", reference=reference)


@staff_required
@require_POST
def counter(request: HttpRequest, reference: str) -> HttpResponse:
    """窓口収納: the resident paid the fee in cash at the counter."""
    found = _visible(request, reference)
    try:
        services.charge_pay_at_counter(
            charge=found, actor=request.user, note=request.POST.get("note", "")[:200]
        )
    except services.PaymentRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("窓口での現金の受け取りを記録しました。"))
    return redirect("office_payments:charge", reference=reference)


@staff_required
def reconcile(request: HttpRequest) -> HttpResponse:
    _require_accounting(request)
    choices = _provider_choices()
    today = timezone.localdate()
    upload = SettlementForm(providers=choices)
    if request.method == "POST":
        upload = SettlementForm(request.POST, request.FILES, providers=choices)
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            try:
                imported = services.settlement_import(
                    provider=upload.cleaned_data["provider"],
                    name=file.name,
                    content=file.read(20 * 1024 * 1024 + 1),
                    actor=request.user,
                )
            except ValidationError as exc:
                for text in exc.messages:
                    upload.add_error("file", text)
            else:
                messages.success(
                    request,
                    _("入金明細を取り込みました（%(count)s行）。")
                    % {"count": imported.lines.count()},
                )
                return redirect(
                    f"{reverse('office_payments:reconcile')}?provider={imported.provider}"
                    f"&first={imported.first_date}&last={imported.last_date}"
                )
    period = ReconcileForm(
        request.GET or None,
        providers=choices,
        initial={"first": today - dt.timedelta(days=7), "last": today, "provider": "demo"},
    )
    report = None
    if period.is_valid():
        report = selectors.reconciliation(
            provider=period.cleaned_data["provider"],
            first=period.cleaned_data["first"],
            last=period.cleaned_data["last"],
        )
    return render(
        request,
        "payments/office/reconcile.html",
        {
            "period": period,
            "upload": upload,
            "report": report,
            "files": SettlementFile.objects.select_related("uploaded_by")[:10],
            "export": ExportForm(initial={"first": today.replace(day=1), "last": today}),
            "exceptions": selectors.webhook_exceptions()[:50],
            "breadcrumbs": _crumbs((_("消込・財務会計への出力"), "")),
        },
    )


@staff_required
def export(request: HttpRequest) -> HttpResponse:
    _require_accounting(request)
    form = ExportForm(request.GET)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("office_payments:reconcile")
    first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    encoding = form.cleaned_data["encoding"]
    content = selectors.ledger_csv(first=first, last=last, encoding=encoding)
    audit_record(
        action="ledger.export",
        actor=request.user,
        ip_address=client_ip(request),
        data={"first": first.isoformat(), "last": last.isoformat(), "encoding": encoding},
    )
    charset = "shift_jis" if encoding == "cp932" else "utf-8"
    response = HttpResponse(content, content_type=f"text/csv; charset={charset}")
    response["Content-Disposition"] = f'attachment; filename="shuno-{first}-{last}.csv"'
    return response
