"""Residents' pages that compose several apps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from yakusho.core.preferences import display_preferences, set_display_preferences

from .forms import DisplayForm


def home(request: HttpRequest) -> HttpResponse:
    from yakusho.procedures import selectors as procedure_selectors

    catalogue = procedure_selectors.catalogue()
    return render(
        request,
        "portal/home.html",
        {"popular": catalogue.procedures[:6], "life_events": catalogue.life_events},
    )


@login_required
def mypage(request: HttpRequest) -> HttpResponse:
    """The resident's drafts, submissions and bundles, with the state texts each procedure
    defines."""
    from yakusho.payments import selectors as payment_selectors
    from yakusho.procedures import selectors as procedure_selectors

    if request.user.kind != "resident":
        return redirect("office:dashboard")
    drafts, submissions = procedure_selectors.drafts_and_submissions_of(request.user, limit=100)
    unpaid, paid = payment_selectors.unpaid_and_paid_of(request.user, paid_limit=20)
    return render(
        request,
        "portal/mypage.html",
        {
            "drafts": drafts,
            "submissions": [
                {"submission": s, "status_text": procedure_selectors.status_text(s)}
                for s in submissions
            ],
            "bundles": procedure_selectors.bundles_listed_for(request.user),
            "unpaid": unpaid,
            "paid": paid,
            "tax_bills": payment_selectors.tax_bills_listed_for(request.user),
            "breadcrumbs": [(_("ホーム"), reverse("portal:home")), (_("マイページ"), "")],
        },
    )


@require_http_methods(["GET", "POST"])
def display(request: HttpRequest) -> HttpResponse:
    """Furigana, text size and contrast: a page that works without JavaScript; the header's
    furigana button posts here too."""
    if request.method == "POST":
        form = DisplayForm(request.POST)
        form.is_valid()  # every field is optional; unknown values are dropped
        data = form.cleaned_data
        target = data.get("next") or reverse("portal:display")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("portal:home")
        response = HttpResponseRedirect(target)
        furigana = data.get("furigana")
        set_display_preferences(
            response,
            furigana=None if not furigana else furigana == "on",
            text_size=data.get("text_size") or None,
            contrast=data.get("contrast") or None,
        )
        return response
    prefs = display_preferences(request)
    form = DisplayForm(
        initial={
            "furigana": "on" if prefs.furigana else "off",
            "text_size": prefs.text_size,
            "contrast": prefs.contrast,
        }
    )
    return render(
        request,
        "portal/display.html",
        {
            "form": form,
            "breadcrumbs": [(_("ホーム"), reverse("portal:home")), (_("表示の設定"), "")],
        },
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/accessibility.html",
        {
            "breadcrumbs": [
                (_("ホーム"), reverse("portal:home")),
                (_("ウェブアクセシビリティ方針"), ""),
            ],
        },
    )
