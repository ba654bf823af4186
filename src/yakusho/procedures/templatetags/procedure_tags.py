from __future__ import annotations

import json
from typing import Any

from django import forms, template
from django.template.defaultfilters import linebreaksbr
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
    from django.utils.html import format_html

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
    change = gettext("変更")
    rows = []
    for row in section.rows:
        source = ""
        if sources and row.source:
            label = SOURCE_TAGS.get(row.source) or gettext("ほかの申請と共通")
            source = format_html(' <span class="tag tag--green">{}</span>', label)
        link = ""
        if changeable and row.key not in locked:
            link = format_html(
                '\n<dd><a href="{}?return=check">{}<span class="visually-hidden"> {}</span></a></dd>',
                change_url,
                change,
                row.label,
            )
        rows.append(
            format_html(
                '<div class="summary-list__row"><dt>{}</dt><dd>{}{}</dd>{}</div>',
                row.label,
                linebreaksbr(row.value, autoescape=True),
                source,
                link,
            )
        )
    return format_html('<dl class="summary-list">{}</dl>', mark_safe("".join(rows)))  # noqa: S308 - each row built by format_html
