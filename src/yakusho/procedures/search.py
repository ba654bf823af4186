"""Finding procedures the way residents type.

「引越し」「引っ越し」「ひっこし」 find the same procedures, as do 「住民票」 and 「じゅうみんひょう」,
and the names in every language. Each procedure keeps a search text of its names, keywords,
SudachiPy's normalised forms and hiragana readings; a query is normalised the same way.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import jaconv

from yakusho.core.japanese.morphology import tokenize


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").lower().split())


def _reading(text: str) -> str:
    return "".join(jaconv.kata2hira(m.reading_form()) for m in tokenize(text)) if text else ""


def _normalised(text: str) -> str:
    return "".join(m.normalized_form() for m in tokenize(text)) if text else ""


def search_text(*, names: Iterable[str], japanese: Iterable[str]) -> str:
    """The text a procedure is found by: `names` in all languages and keywords as typed;
    `japanese` texts also by normalised form and reading."""
    parts = {_plain(n) for n in names if n}
    for text in japanese:
        for piece in text.replace("、", " ").replace(",", " ").split():
            parts |= {_plain(piece), _plain(_normalised(piece)), _reading(piece)}
    return "\n".join(sorted(p for p in parts if p))


@lru_cache(maxsize=4096)
def name_forms(name: str) -> tuple[str, ...]:
    """A procedure's name as written and as read, for ranking names above other matches."""
    return (_plain(name), _reading(name))


def query_variants(query: str) -> list[set[str]]:
    """For each word of the query, the forms it may take in a search text."""
    variants = []
    for word in unicodedata.normalize("NFKC", query or "").split():
        forms = {
            _plain(word),
            _plain(jaconv.kata2hira(word)),
            _plain(_normalised(word)),
            _reading(word),
        }
        variants.append({f for f in forms if f})
    return variants


def matches(text: str, variants: list[set[str]]) -> bool:
    return bool(variants) and all(any(form in text for form in forms) for forms in variants)
