"""The receipt PDF (受付票): Japanese, A4, with a QR code to the submission's page."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from yakusho.core.japanese.wareki import format_wareki
from yakusho.core.selectors import municipality_current

from .engine import FormDefinition
from .engine.summary import summarise
from .models import Submission
from .selectors import localized

FONT = "HeiseiKakuGo-W5"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def draw_qr(pdf: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    qr = segno.make(data, error="m")
    matrix = list(qr.matrix)
    module = size / len(matrix)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(
                    x + col_index * module,
                    y + size - (row_index + 1) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )


def _wrap(text: str, width: float, size: float) -> list[str]:
    lines = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if pdfmetrics.stringWidth(line + char, FONT, size) > width:
                lines.append(line)
                line = char
            else:
                line += char
        lines.append(line)
    return lines


def receipt_pdf(submission: Submission) -> bytes:
    """Always in Japanese: the city's paper record of what was received."""
    with translation.override("ja"):
        return _render(submission)


def _render(submission: Submission) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    city = municipality_current()
    name = localized(submission.procedure, "name", "ja").text
    pdf.setTitle(f"受付票 {submission.receipt_number}")
    pdf.setAuthor(city.name if city else "yakusho")
    width, height = A4
    left, top = 20 * mm, height - 20 * mm
    pdf.setFont(FONT, 18)
    pdf.drawString(left, top, "受付票（オンライン申請）")
    pdf.setFont(FONT, 10.5)
    submitted = timezone.localtime(submission.submitted_at)
    lines = [
        ("手続き", name),
        ("受付番号", submission.receipt_number),
        ("受付日時", f"{format_wareki(submitted.date())} {submitted:%H:%M}"),
        ("申請者", submission.applicant_name or "—"),
        ("担当", submission.procedure.department.name),
    ]
    y = top - 14 * mm
    for label, value in lines:
        pdf.drawString(left, y, label)
        pdf.drawString(left + 28 * mm, y, value)
        y -= 7 * mm
    url = settings.SITE_URL + reverse("procedures:submission", args=[submission.receipt_number])
    draw_qr(pdf, url, width - 20 * mm - 30 * mm, top - 40 * mm, 30 * mm)
    y -= 4 * mm
    definition = FormDefinition.parse(submission.version.definition)
    for section in summarise(
        definition, submission.answers, language="ja", sources=submission.sources
    ):
        if y < 40 * mm:
            pdf.showPage()
            pdf.setFont(FONT, 10.5)
            y = top
        pdf.setFont(FONT, 12)
        pdf.drawString(left, y, section.title)
        pdf.setFont(FONT, 9.5)
        y -= 6 * mm
        for row in section.rows:
            value_lines = _wrap(row.value, width - left - 20 * mm - 50 * mm, 9.5)
            label_lines = _wrap(row.label, 46 * mm, 9.5)
            for index in range(max(len(value_lines), len(label_lines))):
                if y < 25 * mm:
                    pdf.showPage()
                    pdf.setFont(FONT, 9.5)
                    y = top
                if index < len(label_lines):
                    pdf.drawString(left, y, label_lines[index])
                if index < len(value_lines):
                    pdf.drawString(left + 50 * mm, y, value_lines[index])
                y -= 5 * mm
            y -= 1.5 * mm
        y -= 3 * mm
    pdf.setFont(FONT, 8.5)
    footer = f"{city.name if city else ''} — この受付票は申請を受け付けた記録です。決定の通知ではありません。"
    pdf.drawString(left, 15 * mm, footer)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
