"""Staff pages that compose several apps."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .forms import ComponentDemoForm
from .permissions import staff_required


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "office/dashboard.html")


@staff_required
def components(request: HttpRequest) -> HttpResponse:
    """Every component of the design system, rendered live (the library's documentation)."""
    form = ComponentDemoForm(request.POST or None, request.FILES or None)
    submitted = False
    if request.method == "POST" and not form.looked_up_postal_code() and form.is_valid():
        submitted = True
    page = Paginator(range(1, 201), 10).get_page(request.GET.get("page"))
    return render(
        request,
        "office/components.html",
        {
            "form": form,
            "submitted": submitted,
            "page": page,
            "summary_rows": [
                {"label": _("氏名"), "value": "秦野 太郎", "change_url": "#id_name"},
                {"label": _("住所"), "value": "神奈川県秦野市平沢", "change_url": "#id_address"},
            ],
            "step_labels": [_("入力"), _("確認"), _("完了")],
            "breadcrumbs": [(_("職員ポータル"), reverse("office:dashboard")), (_("部品一覧"), "")],
        },
    )
