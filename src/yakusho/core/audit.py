"""The audit log: append-only and hash-chained.

Every record stores the hash of the one before it and its own hash over its content, so a
changed or deleted row breaks the chain at a point `audit_verify()` can name. Appends lock
the chain head, so concurrent writers on PostgreSQL still form one chain; SQLite serialises
writers anyway. Database triggers (migration core.0002) refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections, models, transaction
from django.utils import timezone

from . import audit_guard
from .inserts import insert
from .models import AuditChainHead, AuditRecord

GENESIS = "0" * 64


def _canonical(record: AuditRecord) -> bytes:
    at = record.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    body = [
        record.seq,
        at,
        record.actor_id,
        record.actor_label,
        record.action,
        record.object_type,
        record.object_id,
        record.purpose,
        record.ip_address,
        record.data,
        record.prev_hash,
    ]
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _digest(record: AuditRecord) -> str:
    return hashlib.sha256(_canonical(record)).hexdigest()


def _label_for(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "anonymous" if actor is not None else "system"
    return actor.pk, actor.get_username()


def audit_record(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    purpose: str = "",
    ip_address: str | None = None,
    data: dict | None = None,
) -> AuditRecord:
    """Append one record. Joins the caller's transaction, so a rolled-back change leaves no
    record of having happened; reads are recorded in their own short transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_id, actor_label = _label_for(actor)
    # No savepoint inside the caller's transaction: a failure here fails the whole change.
    with transaction.atomic(savepoint=False):
        head_pk, head_seq, head_hash = _head_locked()
        record = AuditRecord(
            seq=head_seq + 1,
            at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id)[:64],
            purpose=purpose[:200],
            ip_address=ip_address or None,
            data=json.loads(json.dumps(data or {}, default=str)),
            prev_hash=head_hash,
        )
        record.hash = _digest(record)
        insert(record)
        with connection.cursor() as cursor:
            cursor.execute(
                _head_statements(connection.alias)[1], [record.seq, record.hash, head_pk]
            )
    return record


def _head_locked() -> tuple[int, int, str]:
    """The chain head's key, sequence number and hash, locked until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute(_head_statements(connection.alias)[0], [True])
        row = cursor.fetchone()
    if row is None:  # the very first record
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(singleton=True)
        return head.pk, head.seq, head.hash
    return row


@functools.cache
def _head_statements(alias: str) -> tuple[str, str]:
    """Reading (and locking) and advancing the head: fixed statements, built once per database
    instead of through the ORM on every record (docs/performance.md)."""
    quote, features = connections[alias].ops.quote_name, connections[alias].features
    meta = AuditChainHead._meta
    table = quote(meta.db_table)
    key, seq, hash_, singleton = (
        quote(meta.get_field(name).column) for name in ("id", "seq", "hash", "singleton")
    )
    lock = " FOR UPDATE" if features.has_select_for_update else ""
    select = f"SELECT {key}, {seq}, {hash_} FROM {table} WHERE {singleton} = %s{lock}"  # noqa: S608
    update = f"UPDATE {table} SET {seq} = %s, {hash_} = %s WHERE {key} = %s"  # noqa: S608
    return select, update


@dataclass(frozen=True)
class AuditBreak:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"record {self.seq}: {self.reason}"


@dataclass(frozen=True)
class AuditVerification:
    checked: int
    first_break: AuditBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _records(batch: int = 2000) -> Iterator[AuditRecord]:
    last = 0
    while True:
        chunk = list(AuditRecord.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].seq


def audit_verify() -> AuditVerification:
    """Walk the chain from the first record and report the first broken link, if any."""
    head = AuditChainHead.objects.filter(singleton=True).first()
    expected_prev = head.purged_through_hash if head else GENESIS
    expected_seq = (head.purged_through_seq if head else 0) + 1
    checked = 0
    for record in _records():
        if record.seq != expected_seq:
            return AuditVerification(
                checked,
                AuditBreak(
                    expected_seq, f"missing (deleted); the chain jumps to record {record.seq}"
                ),
            )
        if record.prev_hash != expected_prev:
            return AuditVerification(
                checked, AuditBreak(record.seq, "does not link to the record before it")
            )
        if _digest(record) != record.hash:
            return AuditVerification(
                checked, AuditBreak(record.seq, "content changed after it was written")
            )
        expected_prev = record.hash
        expected_seq += 1
        checked += 1
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        return AuditVerification(
            checked,
            AuditBreak(expected_seq, f"missing (deleted); the chain ends at record {head.seq}"),
        )
    return AuditVerification(checked, None)


def _delete_through(seq: int) -> int:
    """Delete records up to `seq` past the database's guard. Only for the retention purge;
    must run inside the purge's transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL yakusho.audit_purge = 'on'")
            deleted, _ = AuditRecord.objects.filter(seq__lte=seq).delete()
            cursor.execute("SET LOCAL yakusho.audit_purge = 'off'")
        else:
            cursor.execute("DROP TRIGGER core_auditrecord_no_delete")
            deleted, _ = AuditRecord.objects.filter(seq__lte=seq).delete()
            cursor.execute(audit_guard.SQLITE_NO_DELETE)
    return deleted


def audit_purge(*, before: dt.datetime, actor: Any = None) -> int:
    """Remove records older than `before` (the city's retention period for access logs),
    keep the chain verifiable from the first record kept, and record the purge itself."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(singleton=True)
        last = AuditRecord.objects.filter(at__lt=before).order_by("-seq").first()
        if last is None:
            return 0
        deleted = _delete_through(last.seq)
        AuditChainHead.objects.filter(pk=head.pk).update(
            purged_through_seq=last.seq, purged_through_hash=last.hash
        )
        audit_record(
            action="audit.purge",
            actor=actor,
            data={"deleted": deleted, "through_seq": last.seq, "before": before.isoformat()},
        )
    return deleted
