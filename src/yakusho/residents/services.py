"""Writes of the registry mirror (loaded from the core system by `registry_import`, through the
`residents_import` command or POST /api/v1/registry/records)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yakusho.core.audit import audit_record
from yakusho.core.japanese.kana import normalize_kana, search_key

from .importing import RegistryFileError, RowError, SourceRow, clean_rows
from .models import ResidentRecord
from .selectors import name_key

# The stored values of a record besides its 宛名番号, in the order record_values() gives them.
RECORD_FIELDS = (
    "household_number",
    "relation",
    "name",
    "name_kana",
    "name_key",
    "name_kana_key",
    "birth_date",
    "sex",
    "postal_code",
    "address",
    "is_current",
)
IMPORT_BATCH = 1000


def record_values(
    *,
    household_number: str,
    name: str,
    name_kana: str,
    birth_date: dt.date,
    sex: str,
    postal_code: str,
    address: str,
    relation: str = "",
) -> dict[str, Any]:
    """What a record stores for these values, with the derived matching keys; one place, so
    that `resident_upsert` and `registry_import` write identical rows."""
    return {
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
    values = record_values(
        household_number=household_number,
        relation=relation,
        name=name,
        name_kana=name_kana,
        birth_date=birth_date,
        sex=sex,
        postal_code=postal_code,
        address=address,
    )
    record = ResidentRecord.objects.filter(atena_number=atena_number).first()
    if record is None:
        return ResidentRecord.objects.create(atena_number=atena_number, **values), True
    changed = {k: v for k, v in values.items() if getattr(record, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(record, key, value)
        record.save(update_fields=[*changed, "updated_at"])
    return record, bool(changed)


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ended: int = 0
    errors: list[RowError] = field(default_factory=list)
    full: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "ended": self.ended,
        }


def registry_import(
    rows: Iterable[SourceRow], *, full: bool = False, dry_run: bool = False, source: str
) -> ImportReport:
    """Load records from the core system, all or nothing.

    Every row is checked first; if any is wrong, nothing is written and the report lists every
    problem. Otherwise, in one transaction, new 宛名番号 are created, changed records updated
    (a record no longer current becomes current again) and, with `full` (the rows are the whole
    registry), current records whose 宛名番号 is absent stop being current (転出・死亡). One audit
    record keeps the counts and the source, never the rows. `dry_run` counts without writing.
    Raises RegistryFileError for a `full` load without rows, which would end every record.
    """
    cleaned = clean_rows(rows)
    report = ImportReport(read=cleaned.read, errors=cleaned.errors, full=full, dry_run=dry_run)
    if cleaned.errors:
        return report
    if full and not cleaned.rows:
        raise RegistryFileError(
            _(
                "全件（--full）の取り込みにデータが1件もありません。このまま取り込むと全員が"
                "住民でなくなるため、中止しました。"
            )
        )
    now = timezone.now()
    with transaction.atomic():
        for start in range(0, len(cleaned.rows), IMPORT_BATCH):
            batch = cleaned.rows[start : start + IMPORT_BATCH]
            existing = {
                atena: (pk, tuple(stored))
                for pk, atena, *stored in ResidentRecord.objects.filter(
                    atena_number__in=[row.atena_number for row in batch]
                ).values_list("pk", "atena_number", *RECORD_FIELDS)
            }
            new: list[ResidentRecord] = []
            changed: list[ResidentRecord] = []
            for row in batch:
                values = record_values(
                    household_number=row.household_number,
                    relation=row.relation,
                    name=row.name,
                    name_kana=row.name_kana,
                    birth_date=row.birth_date,
                    sex=row.sex,
                    postal_code=row.postal_code,
                    address=row.address,
                )
                found = existing.get(row.atena_number)
                if found is None:
                    new.append(ResidentRecord(atena_number=row.atena_number, **values))
                elif found[1] != tuple(values[name] for name in RECORD_FIELDS):
                    changed.append(ResidentRecord(pk=found[0], updated_at=now, **values))
                else:
                    report.unchanged += 1
            report.created += len(new)
            report.updated += len(changed)
            if not dry_run:
                ResidentRecord.objects.bulk_create(new)
                ResidentRecord.objects.bulk_update(changed, [*RECORD_FIELDS, "updated_at"])
        if full:
            present = {row.atena_number for row in cleaned.rows}
            gone = [
                pk
                for pk, atena in ResidentRecord.objects.filter(is_current=True)
                .values_list("pk", "atena_number")
                .iterator(chunk_size=5000)
                if atena not in present
            ]
            report.ended = len(gone)
            if not dry_run:
                for start in range(0, len(gone), IMPORT_BATCH):
                    ResidentRecord.objects.filter(pk__in=gone[start : start + IMPORT_BATCH]).update(
                        is_current=False, updated_at=now
                    )
        if not dry_run:
            audit_record(
                action="residents.import",
                actor=None,
                data={"counts": report.counts(), "full": full, "source": source[:200]},
            )
    return report
