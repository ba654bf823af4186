"""Server-rendered SVG charts: a KPI's target and actual per fiscal year as paired bars.

The SVG is an image with a title and a description that states every value (role="img",
aria-labelledby), and pages put the same numbers in a data table beside it, so nothing is
only in the picture. No script, no third-party code; colours meet 3:1 against white and the
two series differ by fill pattern as well as colour.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yakusho.core.japanese.wareki import fiscal_year_label

from .selectors import KpiPoint

_ids = count(1)

TARGET_COLOUR = "#4d4d4d"  # outlined, hatched: 目標
ACTUAL_COLOUR = "#0031d8"  # solid: 実績 (デジタル庁 blue)


def fiscal_label(year: int, language: str | None = None) -> str:
    """令和6年度 (a fiscal year starting in April 2024); "FY2024" on other languages' pages."""
    return fiscal_year_label(year, language or get_language() or "ja")


def _number(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{value.normalize():f}"
    return text


def describe(name: str, unit: str, points: list[KpiPoint]) -> str:
    parts = []
    for p in points:
        parts.append(
            _("%(year)s 目標%(target)s 実績%(actual)s")
            % {
                "year": fiscal_label(p.year),
                "target": _number(p.target) + (unit if p.target is not None else ""),
                "actual": _number(p.actual) + (unit if p.actual is not None else ""),
            }
        )
    separator = "、" if (get_language() or "ja").startswith("ja") else ", "
    return _("%(name)s（単位：%(unit)s）。") % {"name": name, "unit": unit} + separator.join(parts)


def kpi_chart(*, name: str, unit: str, points: list[KpiPoint], width: int = 560) -> SafeString:
    height, top, bottom, left, right = 240, 16, 44, 56, 12
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for p in points for v in (p.target, p.actual) if v is not None]
    ceiling = max(values, default=Decimal(1)) or Decimal(1)
    if unit == "%":
        ceiling = Decimal(100)
    ceiling = float(ceiling) * 1.1
    uid = next(_ids)
    title_id, desc_id = f"chart-{uid}-title", f"chart-{uid}-desc"
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(name)}</title>',
        f'<desc id="{desc_id}">{escape(describe(name, unit, points))}</desc>',
        f'<defs><pattern id="hatch-{uid}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{TARGET_COLOUR}" stroke-width="2"/>'
        "</pattern></defs>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#1a1a1a" stroke-width="1"/>',
    ]
    for step in range(0, 5):
        value = ceiling * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            'stroke="#d8d8d8" stroke-width="1" aria-hidden="true"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#1a1a1a" aria-hidden="true">{value:,.0f}</text>'
        )
    slot = plot_w / max(len(points), 1)
    bar = min(28.0, slot / 3)
    for index, p in enumerate(points):
        x0 = left + slot * index + slot / 2
        for offset, value, fill, stroke in (
            (-bar, p.target, f"url(#hatch-{uid})", TARGET_COLOUR),
            (0.0, p.actual, ACTUAL_COLOUR, ACTUAL_COLOUR),
        ):
            if value is None:
                continue
            h = plot_h * float(value) / ceiling
            parts.append(
                f'<rect x="{x0 + offset:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
            )
        parts.append(
            f'<text x="{x0:.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11" '
            f'fill="#1a1a1a" aria-hidden="true">{escape(fiscal_label(p.year))}</text>'
        )
    legend_y = height - 10
    parts.append(
        f'<g aria-hidden="true" font-size="11" fill="#1a1a1a">'
        f'<rect x="{left}" y="{legend_y - 9}" width="12" height="10" fill="url(#hatch-{uid})" '
        f'stroke="{TARGET_COLOUR}"/><text x="{left + 16}" y="{legend_y}">{escape(_("目標"))}</text>'
        f'<rect x="{left + 70}" y="{legend_y - 9}" width="12" height="10" '
        f'fill="{ACTUAL_COLOUR}"/><text x="{left + 86}" y="{legend_y}">{escape(_("実績"))}</text>'
        "</g></svg>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
