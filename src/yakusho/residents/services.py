"""Writes of the registry mirror (loaded from the core system; see the import command)."""

from __future__ import annotations

import datetime as dt

from yakusho.core.japanese.kana import normalize_kana, search_key

from .models import ResidentRecord
from .selectors import name_key


def resident_upsert(
    *,
    atena_number: str,
    household_number: str,
    name: str,
    name_kana: str,
    birth_date: dt.date,
    sex: str,
    postal_code: str,
    address: str,
    relation: str = "",
) -> tuple[ResidentRecord, bool]:
    """Create or update one record by 宛名番号; returns (record, changed)."""
    values = {
        "household_number": household_number,
        "relation": relation,
        "name": " ".join(name.split()),
        "name_kana": normalize_kana(name_kana),
        "name_key": name_key(name),
        "name_kana_key": search_key(name_kana),
        "birth_date": birth_date,
        "sex": sex,
        "postal_code": postal_code,
        "address": address,
        "is_current": True,
    }
    record = ResidentRecord.objects.filter(atena_number=atena_number).first()
    if record is None:
        return ResidentRecord.objects.create(atena_number=atena_number, **values), True
    changed = {k: v for k, v in values.items() if getattr(record, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(record, key, value)
        record.save(update_fields=[*changed, "updated_at"])
    return record, bool(changed)
