from __future__ import annotations

import json
from typing import Any

from django import forms, template

from ..engine.summary import display
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
