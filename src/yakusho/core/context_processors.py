from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

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
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": f"/{code}{rest}{suffix}",
                "lang": _html_lang(code),
                "current": code == language,
            }
            for code, name in settings.LANGUAGES
        ],
    }


def _html_lang(code: str) -> str:
    """Django's codes as BCP 47 tags: zh-hans → zh-Hans, pt-br → pt-BR."""
    parts = code.split("-")
    if len(parts) >= 2 and parts[1] != "x":
        parts[1] = parts[1].title() if len(parts[1]) == 4 else parts[1].upper()
    return "-".join(parts)
