import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from yakusho.core import services
from yakusho.core.models import OutboundEmail

pytestmark = pytest.mark.django_db


def _queue(key="confirm:1"):
    return services.email_queue(key=key, to="taro@example.jp", subject="受付しました", body="本文")


def test_the_task_is_stored_with_the_email_and_rolls_back_with_it(worker):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    def queue_then_fail() -> None:
        with transaction.atomic():
            _queue()
            assert DBTaskResult.objects.count() == 1  # written in the caller's transaction
            raise RuntimeError("the caller's change fails")

    with pytest.raises(RuntimeError):
        queue_then_fail()
    assert not OutboundEmail.objects.exists()
    assert not DBTaskResult.objects.exists()
    email = _queue()
    assert mail.outbox == []
    worker.run_until_idle()
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id


def test_same_key_sends_once(run_tasks):
    with run_tasks():
        first = _queue()
        second = _queue()
    assert first.pk == second.pk
    assert len(mail.outbox) == 1


def test_a_key_promised_new_that_repeats_fails_the_caller():
    """`new=True` skips the savepoint that lets a repeated key return the first e-mail, so a
    repeat must fail the caller's transaction loudly rather than pass unnoticed."""
    from django.db import IntegrityError, transaction

    _queue()
    with pytest.raises(IntegrityError), transaction.atomic():
        services.email_queue(
            key="confirm:1", to="jiro@example.jp", subject="受付しました", body="本文", new=True
        )
    assert OutboundEmail.objects.get().to == "taro@example.jp"


def test_running_the_task_twice_sends_once(run_tasks, worker):
    from yakusho.core.tasks import email_send

    with run_tasks():
        email = _queue()
    email_send.enqueue(email_id=email.pk)
    worker.run_until_idle()
    assert len(mail.outbox) == 1


def test_failure_backs_off_then_gives_up(run_tasks, settings, worker):
    settings.EMAIL_BACKEND = "tests.core.failing_mail.Backend"
    with run_tasks():
        email = _queue()
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.QUEUED
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at > timezone.now()
    for _ in range(services.EMAIL_MAX_ATTEMPTS - 1):
        OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        services.email_recover(stale_after=dt.timedelta(0))
        worker.run_until_idle()
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.FAILED
    assert email.attempts == services.EMAIL_MAX_ATTEMPTS


def test_crash_mid_send_resends_with_the_same_message_id(worker):
    email = _queue()
    claimed = services.email_claim(email_id=email.pk)  # and another died mid-send
    assert claimed.state == OutboundEmail.State.SENDING
    assert services.email_claim(email_id=email.pk) is None  # nobody else may send it meanwhile
    OutboundEmail.objects.filter(pk=email.pk).update(
        claimed_at=timezone.now() - dt.timedelta(minutes=10),
        next_attempt_at=timezone.now() - dt.timedelta(minutes=10),
    )
    assert services.email_recover(stale_after=dt.timedelta(minutes=5)) == 1
    worker.run_until_idle()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id
