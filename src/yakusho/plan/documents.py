"""The annual progress report as a Japanese PDF (ReportLab, CID font), in the plan's own
structure — 基本理念, 基本方針, 事業推進計画, 個別事業 with grade, progress, issues, next year's
actions and each KPI's target and actual with a bar chart — signed with the city's key."""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from yakusho.core.japanese.wareki import format_wareki
from yakusho.core.selectors import municipality_current
from yakusho.core.signing import sign_pdf
from yakusho.procedures.documents import FONT, _wrap

from . import selectors
from .charts import fiscal_label as _fiscal_label
from .models import Plan

WIDTH, HEIGHT = A4
LEFT, RIGHT = 20 * mm, WIDTH - 20 * mm
BOTTOM = 20 * mm


class _Writer:
    def __init__(self, pdf: canvas.Canvas, footer: str):
        self.pdf, self.footer, self.y, self.page = pdf, footer, HEIGHT - 20 * mm, 1

    def need(self, space: float) -> None:
        if self.y - space < BOTTOM:
            self.new_page()

    def new_page(self) -> None:
        self.pdf.setFont(FONT, 8)
        self.pdf.drawCentredString(WIDTH / 2, 10 * mm, f"{self.footer}　{self.page}")
        self.pdf.showPage()
        self.page += 1
        self.y = HEIGHT - 20 * mm

    def text(self, text: str, size: float = 10, indent: float = 0, gap: float = 1.6) -> None:
        for line in _wrap(text, RIGHT - LEFT - indent, size):
            self.need(size * gap)
            self.pdf.setFont(FONT, size)
            self.pdf.drawString(LEFT + indent, self.y, line)
            self.y -= size * gap
        self.y -= size * 0.3

    def bars(self, points: list, unit: str) -> None:
        """A small chart: hatched-grey target and blue actual per year."""
        values = [v for p in points for v in (p.target, p.actual) if v is not None]
        if not values:
            return
        top = Decimal(100) if unit == "%" else max(values) or Decimal(1)
        height = 28 * mm
        self.need(height + 10 * mm)
        base = self.y - height
        slot = (RIGHT - LEFT - 20 * mm) / max(len(points), 1)
        pdf = self.pdf
        pdf.setStrokeColorRGB(0.1, 0.1, 0.1)
        pdf.line(LEFT + 10 * mm, base, RIGHT - 10 * mm, base)
        for index, p in enumerate(points):
            x = LEFT + 10 * mm + slot * index + slot / 2
            for offset, value, colour in (
                (-7 * mm, p.target, (0.55, 0.55, 0.55)),
                (0, p.actual, (0, 0.19, 0.85)),
            ):
                if value is None:
                    continue
                h = float(height) * float(value) / float(top) * 0.9
                pdf.setFillColorRGB(*colour)
                pdf.rect(x + offset, base, 6 * mm, h, stroke=0, fill=1)
            pdf.setFillColorRGB(0, 0, 0)
            pdf.setFont(FONT, 7)
            pdf.drawCentredString(x, base - 4 * mm, _fiscal_label(p.year, "ja"))
        pdf.setFont(FONT, 7)
        pdf.drawString(LEFT + 10 * mm, self.y + 1 * mm, "■灰：目標　■青：実績")
        self.y = base - 8 * mm


def _n(value: Decimal | None, unit: str) -> str:
    return "—" if value is None else f"{value.normalize():f}{unit}"


def report_pdf(*, plan: Plan, fiscal_year: int) -> bytes:
    city = municipality_current()
    title = f"{plan.name} {_fiscal_label(fiscal_year, 'ja')} 進捗状況報告書"
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(title)
    pdf.setAuthor(city.name if city else "")
    w = _Writer(pdf, title)
    w.text(title, size=16)
    w.text(f"{city.name if city else ''}　{format_wareki(plan_today())}作成", size=9)
    w.text(
        f"計画期間：{_fiscal_label(plan.start_year, 'ja')}〜{_fiscal_label(plan.end_year, 'ja')}"
        f"（中間見直し：{_fiscal_label(plan.midterm_year, 'ja') if plan.midterm_year else '—'}）",
        size=9,
    )
    w.text("基本理念", size=13)
    w.text(plan.philosophy, size=11)
    if plan.philosophy_text:
        w.text(plan.philosophy_text, size=9)
    w.text("評価の区分", size=13)
    for code, label, number in selectors.grade_counts(plan, fiscal_year):
        w.text(f"{code}：{label}　… {number}事業", size=9, indent=4 * mm)
    evaluations = selectors.evaluations_of_year(plan, fiscal_year, final_only=True)
    years = plan.years
    for policy in selectors.plan_tree(plan):
        w.need(30 * mm)
        w.text(f"基本方針{policy.number}　{policy.title}", size=13)
        for program in policy.programs.all():
            w.text(f"事業推進計画　{program.title}", size=11.5, indent=2 * mm)
            w.text(program.description, size=9, indent=2 * mm)
            if program.sdg_goals:
                goals = "・".join(str(g) for g in program.sdg_goals)
                w.text(f"関連するSDGsのゴール：{goals}", size=8.5, indent=2 * mm)
            for project in program.projects.all():
                evaluation = evaluations.get(project.pk)
                w.need(25 * mm)
                grade = evaluation.grade if evaluation else "—"
                w.text(
                    f"個別事業　{project.name}（{project.department.name}）　評価：{grade}",
                    size=10.5,
                    indent=5 * mm,
                )
                if evaluation:
                    w.text(f"進捗状況：{evaluation.progress}", size=9, indent=8 * mm)
                    if evaluation.issues:
                        w.text(f"課題：{evaluation.issues}", size=9, indent=8 * mm)
                    if evaluation.next_actions:
                        w.text(f"次年度の取組：{evaluation.next_actions}", size=9, indent=8 * mm)
                else:
                    w.text("この年度の評価は確定していません。", size=9, indent=8 * mm)
                for kpi in project.kpis.all():
                    points = selectors.kpi_series(kpi, years)
                    this = next((p for p in points if p.year == fiscal_year), None)
                    w.text(
                        f"指標：{kpi.name}　目標 {_n(this.target if this else None, kpi.unit)}"
                        f"　実績 {_n(this.actual if this else None, kpi.unit)}"
                        + (f"（{this.source_note}）" if this and this.source_note else ""),
                        size=8.5,
                        indent=8 * mm,
                    )
                    w.bars(points, kpi.unit)
    w.new_page()
    pdf.save()
    return sign_pdf(buffer.getvalue(), reason=title, field_name="CitySignature")


def plan_today():
    from django.utils import timezone

    return timezone.localdate()
