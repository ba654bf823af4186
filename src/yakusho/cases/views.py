"""Residents' (and anyone's) pages of the cases app: checking an issued document."""

from __future__ import annotations

import hashlib

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from yakusho.core import fields
from yakusho.core.signing import verify_pdf

from .models import IssuedDocument


class VerifyForm(fields.Form):
    file = forms.FileField(label=_("確かめる通知書（PDF）"))


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone can check that a PDF was issued by the city and has not been changed."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = document = None
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read(21 * 1024 * 1024)
        result = verify_pdf(content)
        document = IssuedDocument.objects.filter(sha256=hashlib.sha256(content).hexdigest()).first()
    return render(
        request, "cases/verify.html", {"form": form, "result": result, "document": document}
    )
