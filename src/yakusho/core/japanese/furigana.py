"""Furigana: ruby readings over kanji, generated on the server from SudachiPy.

`add_ruby(html)` walks an HTML document and adds <ruby> to kanji in text, leaving tags,
attributes, scripts, form controls and anything marked `translate="no"` alone. Text nodes are
cached, so a page's header and footer cost nothing after the first request.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

import jaconv

from .morphology import tokenize

_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]")
_KANJI_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]+)")
_TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_TAG_NAME = re.compile(r"^</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
# Text inside these never gets readings: it is code, a control's value, or already ruby.
_SKIP = {
    "script",
    "style",
    "title",
    "textarea",
    "option",
    "select",
    "ruby",
    "rt",
    "rp",
    "code",
    "pre",
    "svg",
    "head",
}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


def place_name_readings(name: str, kana: str) -> Readings:
    """「秦野市」/「ハダノシ」 → readings for 秦野市 and 秦野 (the name is used on its own too)."""
    if not name or not kana:
        return ()
    reading = jaconv.kata2hira(kana)
    found = [(name, reading)]
    for suffix, suffix_reading in (
        ("市", "し"),
        ("町", "まち"),
        ("町", "ちょう"),
        ("村", "むら"),
        ("村", "そん"),
        ("区", "く"),
    ):
        if name.endswith(suffix) and reading.endswith(suffix_reading) and len(name) > 1:
            found.append((name[: -len(suffix)], reading[: -len(suffix_reading)]))
            break
    return tuple(found)


def _align(surface: str, reading: str) -> list[tuple[str, str | None]]:
    """Split 「引っ越し」/「ひっこし」 into [(引, ひ), (っ, None), (越, こ), (し, None)], so that
    readings sit over the kanji only. Falls back to the whole word when kana do not line up."""
    parts = [p for p in _KANJI_RUN.split(surface) if p]
    pattern = "".join(
        "(.+?)" if _KANJI.match(part) else re.escape(jaconv.kata2hira(part)) for part in parts
    )
    match = re.fullmatch(pattern, reading)
    if not match:
        return [(surface, reading)]
    groups = iter(match.groups())
    return [(part, next(groups)) if _KANJI.match(part) else (part, None) for part in parts]


Readings = tuple[tuple[str, str], ...]


@lru_cache(maxsize=50_000)
def ruby_text(text: str, readings: Readings = ()) -> str:
    """Ruby for one run of HTML-escaped text (entities pass through untouched).

    `readings` are words whose reading the dictionary does not know or gets wrong, such as
    the city's own name (秦野 is はだの, not はたの)."""
    if not _KANJI.search(text):
        return text
    if readings:
        known = dict(readings)
        pattern = "|".join(re.escape(word) for word in sorted(known, key=len, reverse=True))
        parts = re.split(f"({pattern})", text)
        return "".join(
            f"<ruby>{part}<rt>{escape(known[part])}</rt></ruby>"
            if part in known
            else ruby_text(part)
            for part in parts
            if part
        )
    out = []
    for morpheme in tokenize(text):
        surface = morpheme.surface()
        if not _KANJI.search(surface):
            out.append(surface)
            continue
        reading = jaconv.kata2hira(morpheme.reading_form())
        if not reading or _KANJI.search(reading) or reading == surface:
            out.append(surface)
            continue
        for part, part_reading in _align(surface, reading):
            if part_reading is None:
                out.append(part)
            else:
                out.append(f"<ruby>{part}<rt>{escape(part_reading)}</rt></ruby>")
    return "".join(out)


def add_ruby(html: str, readings: Readings = ()) -> str:
    """Add readings to every kanji in the document's text."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []
    for token in _TOKEN.split(html):
        if not token:
            continue
        if token.startswith("<"):
            out.append(token)
            name_match = _TAG_NAME.match(token)
            if token.startswith("<!--") or not name_match:
                continue
            name = name_match.group(1).lower()
            if token.startswith("</"):
                while stack:
                    if stack.pop()[0] == name:
                        break
            elif name not in _VOID and not token.endswith("/>"):
                skip = (
                    (stack[-1][1] if stack else False) or name in _SKIP or 'translate="no"' in token
                )
                stack.append((name, skip))
            continue
        skipping = stack[-1][1] if stack else True
        out.append(token if skipping else ruby_text(token, readings))
    return "".join(out)
