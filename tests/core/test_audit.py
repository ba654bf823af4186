import pytest
from django.db import DatabaseError, connection, transaction

from yakusho.core import audit_guard
from yakusho.core.audit import audit_purge, audit_record, audit_verify
from yakusho.core.models import AuditRecord

pytestmark = pytest.mark.django_db


def _write_chain(count=5):
    return [
        audit_record(
            action="test.event", object_type="test", object_id=str(i), data={"n": i, "名": "秦野"}
        )
        for i in range(1, count + 1)
    ]


def _tamper(sql, params=()):
    """What an intruder with database access does: lift the guard, rewrite history, and put
    the guard back so nothing looks amiss."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_auditrecord_no_update")
            cursor.execute("DROP TRIGGER core_auditrecord_no_delete")
            cursor.execute(sql, params)
            for statement in audit_guard.SQLITE_UP:
                cursor.execute(statement)
        else:
            cursor.execute("ALTER TABLE core_auditrecord DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditrecord ENABLE TRIGGER USER")


def test_records_chain_and_verify():
    records = _write_chain()
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[1].prev_hash == records[0].hash
    result = audit_verify()
    assert result.ok
    assert result.checked == 5


def test_modified_row_is_found():
    _write_chain()
    _tamper("UPDATE core_auditrecord SET object_id = %s WHERE seq = 3", ["999"])
    result = audit_verify()
    assert not result.ok
    assert result.first_break.seq == 3
    assert "changed" in result.first_break.reason
    assert result.checked == 2


def test_modified_row_with_recomputed_hash_breaks_the_next_link():
    records = _write_chain()
    _tamper("UPDATE core_auditrecord SET hash = %s WHERE seq = 2", ["f" * 64])
    result = audit_verify()
    assert result.first_break.seq == 2  # its own hash no longer matches its content
    assert records[2].prev_hash != "f" * 64


def test_deleted_row_in_the_middle_is_found():
    _write_chain()
    _tamper("DELETE FROM core_auditrecord WHERE seq = 4")
    result = audit_verify()
    assert result.first_break.seq == 4
    assert "missing" in result.first_break.reason


def test_deleted_last_rows_are_found():
    _write_chain()
    _tamper("DELETE FROM core_auditrecord WHERE seq >= 4")
    result = audit_verify()
    assert not result.ok
    assert result.first_break.seq == 4


def test_database_refuses_update_and_delete():
    _write_chain(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(seq=1).update(action="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(seq=1).delete()
    assert audit_verify().ok


def test_model_refuses_to_save_twice():
    record = _write_chain(1)[0]
    record.action = "changed"
    with pytest.raises(RuntimeError, match="append-only"):
        record.save()


def test_record_names_actor_object_and_address(django_user_model):
    user = django_user_model.objects.create_user(username="staff1", password="x" * 12)
    record = audit_record(
        action="resident.view", actor=user, obj=user, purpose="窓口対応", ip_address="192.0.2.10"
    )
    assert record.actor_id == user.pk
    assert record.actor_label == "staff1"
    assert record.object_type == "accounts.user"
    assert record.object_id == str(user.pk)
    assert audit_verify().ok


class _Abort(Exception):
    pass


def _change_that_fails():
    with transaction.atomic():
        audit_record(action="case.transition")
        raise _Abort


def test_rolled_back_change_leaves_no_record():
    with pytest.raises(_Abort):
        _change_that_fails()
    assert not AuditRecord.objects.exists()
    audit_record(action="after")
    assert AuditRecord.objects.get().seq == 1
    assert audit_verify().ok


def test_retention_purge_keeps_the_rest_verifiable():
    import datetime as dt

    from django.utils import timezone

    old = _write_chain(3)
    cutoff = timezone.now() + dt.timedelta(microseconds=1)
    newer = _write_chain(2)
    # Make the first three clearly older than the cutoff, the last two newer.
    _move_in_time(old, cutoff - dt.timedelta(days=400))
    _move_in_time(newer, cutoff + dt.timedelta(days=1))
    assert audit_purge(before=cutoff) == 3
    assert list(AuditRecord.objects.values_list("seq", flat=True)) == [4, 5, 6]
    purge = AuditRecord.objects.get(seq=6)
    assert purge.action == "audit.purge"
    assert purge.data["deleted"] == 3
    result = audit_verify()
    assert result.ok, result.first_break
    assert result.checked == 3


def test_purge_with_nothing_old_enough_does_nothing():
    import datetime as dt

    records = _write_chain(2)
    assert audit_purge(before=records[0].at - dt.timedelta(days=1)) == 0
    assert AuditRecord.objects.count() == 2


def _move_in_time(records, when):
    """Rewrite timestamps for the test (bypassing the guard), keeping the chain valid."""
    from yakusho.core.audit import _digest
    from yakusho.core.models import AuditChainHead

    prev = None
    rows = list(AuditRecord.objects.order_by("seq"))
    targets = {r.seq for r in records}
    for row in rows:
        if row.seq in targets:
            row.at = when
        if prev is not None:
            row.prev_hash = prev
        row.hash = _digest(row)
        prev = row.hash
    _tamper("DELETE FROM core_auditrecord")
    AuditRecord.objects.bulk_create(rows)
    AuditChainHead.objects.update(seq=rows[-1].seq, hash=rows[-1].hash)
