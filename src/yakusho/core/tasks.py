"""Background tasks of the core app. Each is idempotent: running it twice does no harm."""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from . import services
from .mail import relay_send
from .models import PeriodicRun
from .periodic import periodic
from .worker import on_orphan


@task()
def email_send(*, email_id: int) -> str:
    """Send one stored e-mail. Only the worker that claims it sends it; a repeat after a crash
    carries the same Message-ID."""
    email = services.email_claim(email_id=email_id)
    if email is None:
        return "skipped"
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        headers={"Message-ID": email.message_id},
    )
    try:
        relay_send(message)
    except Exception as exc:  # the mail server's failure, whatever its type, is retried
        services.email_mark_failed(email=email, error=f"{type(exc).__name__}: {exc}")
        return "retry"
    services.email_mark_sent(email=email)
    return "sent"


@on_orphan(email_send)
def email_send_orphaned(*, email_id: int) -> None:
    """The worker died while this e-mail's task ran: the message may have been handed to the
    mail server or not. Queue it again; the next run sends it with the same Message-ID, so a
    receiver that got it already can drop the copy."""
    services.email_release(email_id=email_id)


@periodic("core.email_recover", every=timedelta(minutes=1))
def email_recover() -> str:
    return f"re-enqueued {services.email_recover(stale_after=timedelta(minutes=5))}"


@periodic("core.prune_finished_tasks", every=timedelta(hours=1))
def prune_finished_tasks() -> str:
    """Finished task rows and periodic-run rows are kept a week for inspection, then dropped."""
    cutoff = timezone.now() - timedelta(days=7)
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    runs, _ = PeriodicRun.objects.filter(started_at__lt=cutoff).delete()
    return f"pruned {tasks} tasks, {runs} runs"
