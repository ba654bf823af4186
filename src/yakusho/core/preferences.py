"""How a visitor wants pages shown: language, furigana, text size and contrast.

Kept in cookies, so they work without an account and without JavaScript; the language is
also stored on a signed-in user's account so it follows them to another device.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FURIGANA_COOKIE = "yakusho_furigana"
TEXT_SIZE_COOKIE = "yakusho_text"
CONTRAST_COOKIE = "yakusho_contrast"
COOKIE_AGE = 365 * 24 * 3600

TEXT_SIZES = ("standard", "large", "largest")
CONTRASTS = ("standard", "high")
EASY_JAPANESE = "ja-x-easy"
JAPANESE_LANGUAGES = ("ja", EASY_JAPANESE)

_LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}
_PREFIX = re.compile(r"^/([a-z]{2,3}(?:-[a-z0-9]{1,8})*)(/.*)?$")


@dataclass(frozen=True)
class DisplayPreferences:
    furigana: bool
    text_size: str
    contrast: str

    @property
    def html_classes(self) -> str:
        classes = []
        if self.text_size != "standard":
            classes.append(f"text-{self.text_size}")
        if self.contrast == "high":
            classes.append("contrast-high")
        return " ".join(classes)


def display_preferences(request: HttpRequest) -> DisplayPreferences:
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    furigana_cookie = request.COOKIES.get(FURIGANA_COOKIE)
    # Furigana are on by default for やさしい日本語, off for everyone else until asked for.
    furigana = (
        furigana_cookie == "on" if furigana_cookie in ("on", "off") else language == EASY_JAPANESE
    )
    text_size = request.COOKIES.get(TEXT_SIZE_COOKIE, "standard")
    contrast = request.COOKIES.get(CONTRAST_COOKIE, "standard")
    return DisplayPreferences(
        furigana=furigana and language in JAPANESE_LANGUAGES,
        text_size=text_size if text_size in TEXT_SIZES else "standard",
        contrast=contrast if contrast in CONTRASTS else "standard",
    )


def set_display_preferences(
    response: HttpResponse, *, furigana: bool | None, text_size: str | None, contrast: str | None
) -> None:
    options = {"max_age": COOKIE_AGE, "samesite": "Lax", "secure": settings.HTTPS, "httponly": True}
    if furigana is not None:
        response.set_cookie(FURIGANA_COOKIE, "on" if furigana else "off", **options)
    if text_size in TEXT_SIZES:
        response.set_cookie(TEXT_SIZE_COOKIE, text_size, **options)
    if contrast in CONTRASTS:
        response.set_cookie(CONTRAST_COOKIE, contrast, **options)


def split_language_prefix(path: str) -> tuple[str | None, str]:
    """「/en/procedures/」 → ("en", "/procedures/"); a path without a code → (None, path).
    A code that looks like a language but is not one of ours comes back as is, so the caller
    can tell it from no code at all."""
    match = _PREFIX.match(path)
    if not match:
        return None, path
    return match.group(1), match.group(2) or "/"


def is_supported_language(code: str | None) -> bool:
    return code in _LANGUAGE_CODES
