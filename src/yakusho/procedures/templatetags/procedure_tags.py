from __future__ import annotations

import html
import json
from typing import Any

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

from ..engine.summary import Section, display
from ..selectors import localized

register = template.Library()


@register.filter
def bound(form: forms.Form, name: str) -> forms.BoundField:
    return form[name]


@register.filter
def answer(block: Any, answers: dict) -> str:
    return display(block.item, answers.get(block.item.key), "ja")


@register.filter
def condition_json(item: Any) -> str:
    """The field's condition for enhance.js (escaped by the template like any attribute)."""
    return json.dumps(item.visible_if or {}, ensure_ascii=False)


@register.simple_tag(takes_context=True)
def tr(context: template.Context, obj: Any, field: str) -> str:
    """A content field in the page's language (Japanese when not translated), marked with
    lang when it is not in the page's language."""
    value = localized(obj, field)
    page = context.get("LANGUAGE_CODE", "ja")
    if value.lang != page and page != "ja-x-easy":
        return format_html('<span lang="{}">{}</span>', value.lang, value.text)
    return value.text


@register.filter
def get_item(mapping: dict, key: str) -> Any:
    return (mapping or {}).get(key, "")


SOURCE_TAGS = {
    "registry": gettext_lazy("住民記録から"),
    "profile": gettext_lazy("アカウントから"),
    "previous": gettext_lazy("前回の申請から"),
}


@register.simple_tag
def summary_list(
    section: Section, change_url: str = "", locked: Any = (), sources: bool = False
) -> SafeString:
    """One section of an application's summary as a `<dl class="summary-list">`: with
    `change_url`, a 変更 link on each row the resident may change (not in `locked`); with
    `sources`, where a prefilled answer came from. Built here rather than in a template loop:
    the check page is on every submission's path, and a template renders each row's dozen
    nodes one at a time (docs/performance.md)."""
    changeable = bool(change_url) and section.step_key != "_computed"
    if changeable:
        link_head = (
            f'\n<dd><a href="{_escaped(change_url)}?return=check">{_escaped(gettext("変更"))}'
        )
    rows = []
    for row in section.rows:
        label = _escaped(row.label)
        source = ""
        if sources and row.source:
            tag = SOURCE_TAGS.get(row.source) or gettext("ほかの申請と共通")
            source = f' <span class="tag tag--green">{_escaped(tag)}</span>'
        link = ""
        if changeable and row.key not in locked:
            link = f'{link_head}<span class="visually-hidden"> {label}</span></a></dd>'
        rows.append(
            f'<div class="summary-list__row"><dt>{label}</dt>'
            f"<dd>{_lines(row.value)}{source}</dd>{link}</div>"
        )
    return mark_safe(f'<dl class="summary-list">{"".join(rows)}</dl>')  # noqa: S308 - escaped above


def _escaped(value: Any) -> str:
    """What `conditional_escape` gives, without its checks for lazy text on every call."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _lines(value: Any) -> str:
    """What `linebreaksbr` gives with autoescaping on."""
    return _escaped(value).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
