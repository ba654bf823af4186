"""Texts in definitions are objects keyed by language, Japanese required."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Localized:
    text: str
    lang: str  # the language the text is actually in (Japanese when a translation is missing)

    def __str__(self) -> str:
        return self.text


def localize(value: dict | str | None, language: str | None = None) -> Localized:
    if not value:
        return Localized("", "ja")
    if isinstance(value, str):
        return Localized(value, "ja")
    language = language or get_language() or "ja"
    if value.get(language):
        return Localized(value[language], language)
    return Localized(value.get("ja", ""), "ja")
