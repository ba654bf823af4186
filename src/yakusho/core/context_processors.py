from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import selectors
from .preferences import display_preferences, split_language_prefix


def site(request: HttpRequest) -> dict[str, object]:
    return {"municipality": selectors.municipality_current(), **page_basics(request)}


def page_basics(request: HttpRequest) -> dict[str, object]:
    """What base.html needs besides the municipality, without touching the database (the
    503 page renders with only this when the database is down)."""
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    _, rest = split_language_prefix(request.path_info)
    query = request.META.get("QUERY_STRING", "")
    suffix = f"?{query}" if query else ""
    return {
        "demo": settings.DEMO,
        "display": display_preferences(request),
        "html_lang": _html_lang(language),
        "language_list": _language_list(language, f"{rest}{suffix}"),
    }


def _language_list(current: str, path: str) -> SafeString:
    """The language selector's items: this page in every language, each named in itself.
    Built here rather than in the template, where its dozen links took a tenth of a page's
    rendering (docs/performance.md)."""
    path = escape(path)
    return mark_safe(  # noqa: S308 - the path escaped here, the rest in _language_items
        "".join(
            head + path + tail + (_CURRENT if code == current else "") + end
            for code, head, tail, end in _language_items()
        )
    )


_CURRENT = ' aria-current="true"'


@functools.cache
def _language_items() -> tuple[tuple[str, str, str, str], ...]:
    """Per language: its code and its item's HTML before the path, after it, and after the
    current marker; escaped once per process."""
    items = []
    for code, name in settings.LANGUAGES:
        tag = escape(_html_lang(code))
        items.append(
            (
                code,
                f'<li><a href="/{escape(code)}',
                f'" lang="{tag}" hreflang="{tag}"',
                f">{escape(name)}</a></li>",
            )
        )
    return tuple(items)


def _html_lang(code: str) -> str:
    """Django's codes as BCP 47 tags: zh-hans → zh-Hans, pt-br → pt-BR."""
    parts = code.split("-")
    if len(parts) >= 2 and parts[1] != "x":
        parts[1] = parts[1].title() if len(parts[1]) == 4 else parts[1].upper()
    return "-".join(parts)
