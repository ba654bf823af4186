"""The user look-up every signed-in request makes, read with a fixed statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yakusho.accounts.models import User

from ..factories import UserFactory, resident_record

pytestmark = pytest.mark.django_db


def test_get_by_pk_reads_the_same_user_as_the_orm():
    user = UserFactory(
        username="taro@example.jp",
        assurance="verified",
        resident=resident_record(),
        preferred_language="en",
        last_login=timezone.now(),
    )
    with CaptureQueriesContext(connection) as captured:
        fast = User.objects.get(pk=user.pk)
    usual = User.objects.filter(pk=user.pk).get()
    assert len(captured) == 1
    assert "JOIN" not in captured[0]["sql"]
    names = [field.attname for field in User._meta.concrete_fields]
    assert [getattr(fast, name) for name in names] == [getattr(usual, name) for name in names]
    assert fast.is_active is True
    assert fast.last_login == usual.last_login
    assert fast.resident.atena_number == usual.resident.atena_number
    # A saved object, so saving it updates the row rather than inserting one.
    fast.first_name = "太郎"
    fast.save(update_fields=["first_name"])
    assert User.objects.filter(first_name="太郎").count() == 1


def test_get_by_pk_of_nobody_or_nonsense_fails_as_the_orm_does():
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=987654)
    with pytest.raises(ValueError, match="expected a number"):
        User.objects.get(pk="not-a-number")


def test_a_signed_in_page_reads_the_user_with_the_fixed_statement(client):
    user = UserFactory(username="hanako@example.jp")
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/ja/mypage/").status_code == 200
    reads = [q["sql"] for q in captured if 'FROM "accounts_user"' in q["sql"]]
    assert len(reads) == 1
    assert "LIMIT" not in reads[0]  # the ORM's get() would ask for LIMIT 21
