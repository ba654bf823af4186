"""Reads of the registry mirror. Every staff read of a record is audited by the caller."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.db.models import QuerySet

from yakusho.core.japanese.kana import search_key

from .models import ResidentRecord


def name_key(name: str) -> str:
    """「秦野　太郎」 and 「秦野太郎」 match; so do old and new forms of the same character
    written with compatibility code points (NFKC)."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def address_key(address: str) -> str:
    text = unicodedata.normalize("NFKC", address or "")
    for old, new in (
        ("丁目", "-"),
        ("番地", "-"),
        ("番", "-"),
        ("号", ""),
        ("ー", "-"),
        ("−", "-"),
    ):
        text = text.replace(old, new)
    return "".join(text.split()).rstrip("-")


def resident_match(
    *, name: str, birth_date: dt.date, sex: str | None, address: str | None
) -> ResidentRecord | None:
    """The one current resident whose 基本4情報 match; None when none or several do."""
    candidates = list(
        ResidentRecord.objects.filter(
            name_key=name_key(name), birth_date=birth_date, is_current=True
        )
    )
    if sex:
        candidates = [c for c in candidates if c.sex == sex]
    if address and len(candidates) > 1:
        candidates = [c for c in candidates if address_key(c.address) == address_key(address)]
    return candidates[0] if len(candidates) == 1 else None


def resident_search(*, query: str, birth_date: dt.date | None = None) -> QuerySet[ResidentRecord]:
    """Counter search by name in kanji or kana, optionally narrowed by birth date."""
    key = name_key(query)
    kana = search_key(query)
    qs = ResidentRecord.objects.filter(is_current=True)
    if key:
        qs = qs.filter(name_key__startswith=key) | qs.filter(name_kana_key__startswith=kana)
    if birth_date:
        qs = qs.filter(birth_date=birth_date)
    return qs.order_by("name_kana_key", "birth_date")


def household_members(record: ResidentRecord) -> QuerySet[ResidentRecord]:
    return ResidentRecord.objects.filter(
        household_number=record.household_number, is_current=True
    ).order_by("birth_date")
