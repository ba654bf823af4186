"""Answers as people read them: on the check-your-answers page, in the receipt PDF and in the
office's case view."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from yakusho.core.japanese.wareki import WarekiError, format_wareki

from .definition import Field, FormDefinition
from .forms import ACCOUNT_TYPES
from .i18n import localize
from .rules import Answers, evaluate


@dataclass
class Row:
    label: str
    value: str
    key: str
    source: str = ""


@dataclass
class Section:
    step_key: str
    title: str
    rows: list[Row] = field(default_factory=list)


def _date(value: str | None) -> str:
    if not value:
        return ""
    date = dt.date.fromisoformat(value)
    try:
        return f"{format_wareki(date)}（{date.year}年）"
    except WarekiError:
        return date.isoformat()


def _option(item: Field, value: Any, language: str) -> str:
    labels = {o["value"]: str(localize(o["label"], language)) for o in item.options}
    if isinstance(value, list):
        return "、".join(labels.get(v, v) for v in value)
    return labels.get(value, value or "")


def display(item: Field, value: Any, language: str) -> str:
    """One answer as text (multi-line for composites)."""
    if value is None or value == "" or value == []:
        return _("（未入力）")
    kind = item.type
    if kind == "yesno":
        return _("はい") if value else _("いいえ")
    if kind == "consent":
        return _("確認しました") if value else _("（未確認）")
    if kind == "date":
        return _date(value)
    if kind in ("select", "radio", "checkbox"):
        return _option(item, value, language)
    if kind == "number":
        unit = str(localize(item.spec.get("unit"), language))
        return f"{value:,}{unit}" if isinstance(value, int) else str(value)
    if kind == "name":
        return f"{value.get('name', '')}（{value.get('kana', '')}）"
    if kind == "address":
        return f"〒{value.get('postal_code', '')}\n{value.get('address', '')}"
    if kind == "bank_account":
        types = dict(ACCOUNT_TYPES)
        return _("%(bank)s-%(branch)s %(type)s %(number)s\n名義：%(holder)s") % {
            "bank": value.get("bank_code", ""),
            "branch": value.get("branch_code", ""),
            "type": types.get(value.get("account_type"), ""),
            "number": value.get("number", ""),
            "holder": value.get("holder_kana", ""),
        }
    if kind == "person":
        relation = ""
        if value.get("relation"):
            relation = " " + str(
                {
                    o["value"]: localize(o["label"], language)
                    for o in item.spec.get("relations", [])
                }.get(value["relation"], "")
            )
        return f"{value.get('name', '')}（{value.get('kana', '')}）{_date(value.get('birth_date'))}{relation}"
    if kind == "file":
        return "\n".join(f.get("name", "") for f in value)
    if kind == "group":
        lines = []
        for index, row in enumerate(value, start=1):
            parts = [
                display(m, row.get(m.key), language)
                for m in item.members
                if row.get(m.key) not in (None, "")
            ]
            lines.append(f"{index}. " + " / ".join(p.replace("\n", " ") for p in parts))
        return "\n".join(lines)
    return str(value)


def summarise(
    definition: FormDefinition,
    answers: Answers,
    *,
    language: str = "ja",
    sources: dict[str, str] | None = None,
) -> list[Section]:
    sources = sources or {}
    sections = []
    for step in definition.visible_steps(answers):
        section = Section(step.key, str(step.title))
        for item in step.fields:
            if item.type == "info" or not evaluate(item.visible_if, answers):
                continue
            label = str(item.label) if item.type != "consent" else _("確認事項")
            section.rows.append(
                Row(
                    label,
                    display(item, answers.get(item.key), language),
                    item.key,
                    sources.get(item.key, ""),
                )
            )
        if section.rows:
            sections.append(section)
    computed = definition.computed_values(answers)
    if computed:
        section = Section("_computed", _("計算結果"))
        for spec in definition.computed:
            unit = str(localize(spec.get("unit"), language))
            section.rows.append(
                Row(
                    str(localize(spec["label"], language)),
                    f"{int(computed[spec['key']]):,}{unit}",
                    spec["key"],
                )
            )
        sections.append(section)
    return sections
