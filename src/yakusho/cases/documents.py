"""Issued documents: 決定通知書, 却下通知書 and 証明書, numbered in the city's 文書番号
sequence, rendered to a Japanese PDF and signed with the city's key."""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from yakusho.core.japanese.wareki import format_wareki
from yakusho.core.selectors import municipality_current
from yakusho.core.signing import sign_pdf
from yakusho.procedures.documents import FONT, _wrap, draw_qr
from yakusho.procedures.engine.summary import display

from .models import Case, Decision, DocumentSequence, DocumentTemplate, IssuedDocument

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
FIXED = {"申請者", "受付番号", "受付日", "決定日", "理由", "手続き"}
DEFAULT_TEXTS = {
    DocumentTemplate.Kind.APPROVAL: (
        _("決定通知書"),
        "{{受付日}}に申請のあった{{手続き}}（受付番号 {{受付番号}}）について、次のとおり決定したので通知します。\n\n決定：承認\n{{理由}}",
    ),
    DocumentTemplate.Kind.REJECTION: (
        _("却下通知書"),
        "{{受付日}}に申請のあった{{手続き}}（受付番号 {{受付番号}}）について、次の理由により却下したので通知します。\n\n"
        "理由：{{理由}}\n\n"
        "この決定に不服があるときは、この通知を受け取った日の翌日から起算して3か月以内に、"
        "市長に対して審査請求をすることができます。",
    ),
}


def template_problems(body: str, definition: Any) -> list[str]:
    """Placeholders that name nothing: refused when the template is saved and when a new form
    version is published."""
    problems = []
    for name in PLACEHOLDER.findall(body):
        if name in FIXED:
            continue
        if name.startswith("回答:"):
            key = name.split(":", 1)[1].strip()
            if key not in definition.fields:
                problems.append(
                    _("文書のひな形が、存在しない回答「%(key)s」を参照しています。") % {"key": key}
                )
            continue
        problems.append(
            _("文書のひな形に、使えない差し込み「%(name)s」があります。") % {"name": name}
        )
    return problems


def _fiscal_year(day: Any) -> int:
    return day.year if day.month >= 4 else day.year - 1


def next_number(*, case: Case) -> str:
    """「R6秦こ第12号」: a per-department counter for each fiscal year, taken under a row lock
    so two documents never share a number."""
    today = timezone.localdate()
    year = _fiscal_year(today)
    city = municipality_current()
    prefix = f"{(city.name if city else '市')[:1]}{case.department.name[:1]}"
    sequence, _created = DocumentSequence.objects.get_or_create(prefix=prefix, fiscal_year=year)
    sequence = DocumentSequence.objects.select_for_update().get(pk=sequence.pk)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    era_year = format_wareki(
        today.replace(month=4, day=1)
        if today.month >= 4
        else today.replace(year=today.year - 1, month=4, day=1)
    )
    era = era_year.split("年")[0]
    return f"{era}年度{prefix}第{sequence.last}号"


def _fill(body: str, case: Case, decision: Decision, definition: Any) -> str:
    from yakusho.procedures.selectors import localized

    submission = case.submission

    def value(match: re.Match) -> str:
        name = match.group(1).strip()
        if name.startswith("回答:"):
            key = name.split(":", 1)[1].strip()
            item = definition.fields.get(key)
            return display(item, submission.answers.get(key), "ja") if item else ""
        return {
            "申請者": submission.applicant_name or "",
            "受付番号": case.receipt_number,
            "受付日": format_wareki(timezone.localtime(case.received_at).date()),
            "決定日": format_wareki(timezone.localdate()),
            "理由": decision.reason,
            "手続き": localized(case.procedure, "name", "ja").text,
        }.get(name, "")

    return PLACEHOLDER.sub(value, body)


def render_pdf(*, case: Case, title: str, number: str, body: str, verify_url: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    city = municipality_current()
    width, height = A4
    left, right = 25 * mm, width - 25 * mm
    pdf.setTitle(f"{title} {number}")
    pdf.setFont(FONT, 10.5)
    pdf.drawRightString(right, height - 25 * mm, number)
    pdf.drawRightString(right, height - 31 * mm, format_wareki(timezone.localdate()))
    pdf.setFont(FONT, 12)
    pdf.drawString(left, height - 45 * mm, f"{case.submission.applicant_name or ''} 様")
    pdf.drawRightString(right, height - 57 * mm, f"{city.name if city else ''}長")
    pdf.setFont(FONT, 18)
    pdf.drawCentredString(width / 2, height - 75 * mm, title)
    pdf.setFont(FONT, 11)
    y = height - 92 * mm
    for line in _wrap(body, right - left, 11):
        pdf.drawString(left, y, line)
        y -= 7 * mm
        if y < 45 * mm:
            pdf.showPage()
            pdf.setFont(FONT, 11)
            y = height - 25 * mm
    draw_qr(pdf, verify_url, right - 25 * mm, 15 * mm, 25 * mm)
    pdf.setFont(FONT, 8)
    pdf.drawString(
        left,
        20 * mm,
        "この文書には市の電子署名があります。改ざんされていないことを、右のQRコードのページで確かめられます。",
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def issue_document(*, case: Case, decision: Decision, actor: Any) -> IssuedDocument:
    from django.conf import settings
    from django.urls import reverse

    from yakusho.procedures.engine import FormDefinition

    kind = (
        DocumentTemplate.Kind.APPROVAL
        if decision.outcome == Decision.Outcome.APPROVED
        else DocumentTemplate.Kind.REJECTION
    )
    template = case.procedure.document_templates.filter(kind=kind).first()
    title, body = (template.title, template.body) if template else DEFAULT_TEXTS[kind]
    definition = FormDefinition.parse(case.submission.version.definition)
    number = next_number(case=case)
    verify_url = settings.SITE_URL + reverse("documents_verify")
    pdf = render_pdf(
        case=case,
        title=str(title),
        number=number,
        body=_fill(body, case, decision, definition),
        verify_url=verify_url,
    )
    signed = sign_pdf(pdf, reason=f"{title} {number}")
    document = IssuedDocument(
        case=case,
        decision=decision,
        kind=kind,
        number=number,
        title=str(title),
        sha256=hashlib.sha256(signed).hexdigest(),
        issued_by=actor,
    )
    document.file.save(f"{case.receipt_number}-{kind}.pdf", ContentFile(signed), save=False)
    document.save()
    return document
