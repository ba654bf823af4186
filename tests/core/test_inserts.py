import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yakusho.core.inserts import insert
from yakusho.core.models import Department, OutboundEmail

pytestmark = pytest.mark.django_db


def _email(**overrides) -> OutboundEmail:
    values = {
        "key": "test:1",
        "to": "taro@example.jp",
        "subject": "【受付】犬の登録",
        "body": "秦野市です。",
        "message_id": "<1@example.jp>",
        "next_attempt_at": timezone.now(),
    }
    return OutboundEmail(**{**values, **overrides})


def test_the_row_is_written_in_one_statement_with_its_key_and_timestamps():
    email = _email()
    with CaptureQueriesContext(connection) as queries:
        returned = insert(email)
    assert returned is email
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("INSERT INTO")
    assert email.pk is not None
    assert not email._state.adding
    assert email._state.db == "default"
    stored = OutboundEmail.objects.get(pk=email.pk)
    assert (stored.key, stored.to, stored.subject, stored.body) == (
        "test:1",
        "taro@example.jp",
        "【受付】犬の登録",
        "秦野市です。",
    )
    assert stored.state == OutboundEmail.State.QUEUED
    assert stored.attempts == 0
    # auto_now_add / auto_now, as save() sets them
    assert stored.created_at == email.created_at
    assert stored.created_at is not None
    assert stored.updated_at == email.updated_at


def test_foreign_keys_and_json_are_stored_as_save_stores_them():
    parent = insert(Department(code="100", name="福祉部", level="bu"))
    child = insert(
        Department(
            code="110",
            name="高齢介護課",
            level="ka",
            parent=parent,
            name_translations={"en": "Elderly Care Division"},
        )
    )
    stored = Department.objects.get(pk=child.pk)
    assert stored.parent_id == parent.pk
    assert stored.name_translations == {"en": "Elderly Care Division"}
    assert child.pk != parent.pk


def test_an_unsaved_related_object_is_refused_like_save():
    with pytest.raises(ValueError, match="unsaved related object"):
        insert(Department(code="110", name="高齢介護課", level="ka", parent=Department()))
    assert not Department.objects.filter(code="110").exists()


def test_a_duplicate_fails_and_the_transaction_can_roll_back_to_before_it():
    insert(_email())
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(_email(message_id="<2@example.jp>"))  # the same key
    assert OutboundEmail.objects.count() == 1


def test_a_key_set_by_hand_or_an_expression_goes_through_save():
    by_hand = insert(_email(pk=4242))
    assert OutboundEmail.objects.get(pk=4242).key == by_hand.key
    expression = insert(_email(key="test:2", message_id="<2@example.jp>", next_attempt_at=Now()))
    stored = OutboundEmail.objects.get(pk=expression.pk)
    assert abs(stored.next_attempt_at - timezone.now()) < dt.timedelta(minutes=1)
