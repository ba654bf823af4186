"""Kana and width normalisation.

Residents type furigana as 「やまだ　たろう」, 「ﾔﾏﾀﾞ ﾀﾛｳ」 or 「ヤマダ　タロウ」; staff search for
「ﾔﾏﾀﾞ」. Everything is stored and compared in one form: full-width katakana, with one ASCII
space between words.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

_SPACES = re.compile(r"[\s\u3000]+")
# Katakana letters (ァ..ヺ), the long-vowel mark and the middle dot used in foreign names.
_KATAKANA_NAME = re.compile(r"^[\u30a1-\u30fa\u30fc\u30fb]+(?: [\u30a1-\u30fa\u30fc\u30fb]+)*$")
_HIRAGANA_NAME = re.compile(r"^[\u3041-\u3096\u30fc]+(?: [\u3041-\u3096\u30fc]+)*$")


def normalize_width(text: str) -> str:
    """Full-width ASCII to half-width and half-width katakana to full-width (NFKC)."""
    return unicodedata.normalize("NFKC", text or "")


def collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def to_katakana(text: str) -> str:
    return jaconv.hira2kata(normalize_width(text))


def to_hiragana(text: str) -> str:
    return jaconv.kata2hira(normalize_width(text))


def normalize_kana(text: str) -> str:
    """「ﾔﾏﾀﾞ　たろう」 → 「ヤマダ タロウ」."""
    # NFKC also turns a lone half-width dakuten into a spacing mark; h2z first joins ﾀﾞ to ダ.
    joined = jaconv.h2z(text or "", kana=True, ascii=False, digit=False)
    return collapse_spaces(to_katakana(joined))


def is_katakana_name(text: str) -> bool:
    """True when `text`, once normalised, is kana only (what a フリガナ field accepts)."""
    return bool(_KATAKANA_NAME.match(normalize_kana(text)))


def is_hiragana(text: str) -> bool:
    return bool(_HIRAGANA_NAME.match(collapse_spaces(normalize_width(text))))


def search_key(text: str) -> str:
    """A key for matching names regardless of width, kana type and spacing."""
    return normalize_kana(text).replace(" ", "").replace("・", "")
