"""領収書: a Japanese PDF receipt with the city's name, the amount, the date, what was paid
and a QR code to a public page where anyone can check it was issued."""

from __future__ import annotations

import hashlib
import hmac
import io

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from yakusho.core.japanese.wareki import format_wareki
from yakusho.core.selectors import municipality_current
from yakusho.procedures.documents import FONT, draw_qr

from .models import Charge, Method


def receipt_token(charge: Charge) -> str:
    message = f"payments-receipt:{charge.reference}:{charge.amount}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:24]


def verify_url(charge: Charge) -> str:
    return settings.SITE_URL + reverse(
        "payments:receipt_verify", args=[charge.reference, receipt_token(charge)]
    )


def receipt_pdf(charge: Charge) -> bytes:
    """Always in Japanese, as the city's record."""
    with translation.override("ja"):
        return _render(charge)


def _yen(amount: int) -> str:
    return f"￥{amount:,}-"


def _render(charge: Charge) -> bytes:
    buffer = io.BytesIO()
    size = landscape(A5)
    pdf = canvas.Canvas(buffer, pagesize=size)
    width, height = size
    city = municipality_current()
    city_name = city.name if city else "yakusho"
    pdf.setTitle(f"領収書 {charge.reference}")
    pdf.setAuthor(city_name)
    left, top = 18 * mm, height - 18 * mm
    pdf.setFont(FONT, 20)
    pdf.drawCentredString(width / 2, top, "領　収　書")
    pdf.setFont(FONT, 10)
    paid = timezone.localtime(charge.paid_at) if charge.paid_at else None
    pdf.drawRightString(width - 18 * mm, top - 10 * mm, f"No. {charge.reference}")
    if paid:
        pdf.drawRightString(width - 18 * mm, top - 16 * mm, f"{format_wareki(paid.date())}")
    payer = (charge.submission.applicant_name if charge.submission_id else "") or ""
    pdf.setFont(FONT, 13)
    pdf.drawString(left, top - 22 * mm, f"{payer or '　　　　　　　'}　様")
    pdf.line(left, top - 24 * mm, left + 90 * mm, top - 24 * mm)
    pdf.setFont(FONT, 22)
    pdf.drawString(left, top - 40 * mm, f"金額　{_yen(charge.amount)}")
    pdf.line(left, top - 42 * mm, left + 110 * mm, top - 42 * mm)
    pdf.setFont(FONT, 10.5)
    payment = charge.payments.filter(state="success").order_by("finished_at").first()
    method = Method(payment.method).label if payment else ""
    rows = [
        ("但し", f"{charge.description}として"),
        ("収納の種類", charge.charge_type.name),
        ("申請の受付番号", charge.purpose_label or "—"),
        ("支払方法", str(method)),
    ]
    if charge.amount_refunded:
        rows.append(("返金額", _yen(charge.amount_refunded)))
    y = top - 52 * mm
    for label, value in rows:
        pdf.drawString(left, y, label)
        pdf.drawString(left + 32 * mm, y, value[:48])
        y -= 6.5 * mm
    pdf.drawString(left, 16 * mm, "上記の金額を領収しました。")
    pdf.setFont(FONT, 13)
    pdf.drawRightString(width - 50 * mm, 16 * mm, city_name)
    draw_qr(pdf, verify_url(charge), width - 44 * mm, 12 * mm, 28 * mm)
    pdf.setFont(FONT, 7)
    pdf.drawString(left, 9 * mm, "右のQRコードから、この領収書が市の発行したものか確かめられます。")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
