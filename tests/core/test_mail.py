"""The worker keeps its connection to the mail relay from one message to the next."""

import pytest

from yakusho.core import mail, services
from yakusho.core.models import OutboundEmail

from .recording_mail import Backend

pytestmark = pytest.mark.django_db


@pytest.fixture
def relay(settings):
    settings.EMAIL_BACKEND = "tests.core.recording_mail.Backend"
    Backend.opened, Backend.delivered, Backend.drop_next = [], [], False
    return Backend


def _queue(count: int) -> list[OutboundEmail]:
    return [
        services.email_queue(key=f"burst:{n}", to=f"r{n}@example.jp", subject="受付", body="本文")
        for n in range(count)
    ]


def test_a_burst_of_emails_goes_out_on_one_connection(relay, worker):
    emails = _queue(5)
    assert worker.run_until_idle() == 5
    assert len(relay.opened) == 1
    assert relay.delivered == [e.message_id for e in emails]
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {"sent"}


def test_a_connection_left_idle_is_replaced(relay, worker, monkeypatch):
    _queue(1)
    worker.run_until_idle()
    monkeypatch.setattr(mail, "IDLE_SECONDS", 0.0)
    services.email_queue(key="later", to="r@example.jp", subject="受付", body="本文")
    worker.run_until_idle()
    assert len(relay.opened) == 2
    assert not relay.opened[0].is_open


def test_a_connection_the_relay_dropped_is_reopened_without_losing_the_message(relay, worker):
    emails = _queue(2)
    worker.run_until_idle()
    relay.drop_next = True
    late = services.email_queue(key="after-drop", to="r@example.jp", subject="受付", body="本文")
    worker.run_until_idle()
    late.refresh_from_db()
    assert late.state == OutboundEmail.State.SENT
    assert late.attempts == 1
    assert relay.delivered == [*(e.message_id for e in emails), late.message_id]
    assert len(relay.opened) == 2
