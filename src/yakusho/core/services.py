"""Writes of the core app: the municipality, its organisation and outbound e-mail."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from .inserts import insert
from .models import Department, Municipality, OutboundEmail
from .selectors import MUNICIPALITY_CACHE_KEY

EMAIL_MAX_ATTEMPTS = 8


def _apply(instance: models.Model, values: dict[str, object]) -> bool:
    """Set `values` on `instance`; True if anything differed. Lets loaders run twice without
    touching rows that are already right."""
    changed = False
    for field, value in values.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed = True
    return changed


def municipality_set(
    *,
    code: str,
    name: str,
    name_kana: str,
    prefecture: str,
    name_translations: dict[str, str] | None = None,
    postal_code: str = "",
    address: str = "",
    phone: str = "",
    website: str = "",
) -> Municipality:
    """Create or update the deployment's municipality (there is only ever one)."""
    municipality = Municipality.objects.filter(singleton=True).first() or Municipality()
    changed = _apply(
        municipality,
        {
            "code": code,
            "name": name,
            "name_kana": name_kana,
            "prefecture": prefecture,
            "name_translations": name_translations or {},
            "postal_code": postal_code,
            "address": address,
            "phone": phone,
            "website": website,
        },
    )
    if changed or municipality.pk is None:
        municipality.full_clean()
        municipality.save()
        cache.delete(MUNICIPALITY_CACHE_KEY)
    return municipality


def department_upsert(
    *,
    code: str,
    name: str,
    level: str,
    parent: Department | None = None,
    name_translations: dict[str, str] | None = None,
    phone: str = "",
    email: str = "",
    sort_order: int = 0,
) -> Department:
    """Create a department or bring an existing one (same code) up to date."""
    expected_parent = Department.PARENT_LEVEL.get(level)
    if expected_parent is None and parent is not None:
        raise ValidationError("A 部 has no parent.")
    if expected_parent is not None and (parent is None or parent.level != expected_parent):
        raise ValidationError(f"A {level} must belong to a {expected_parent}.")
    department = Department.objects.filter(code=code).first() or Department(code=code)
    changed = _apply(
        department,
        {
            "name": name,
            "level": level,
            "parent_id": parent.pk if parent else None,
            "name_translations": name_translations or {},
            "phone": phone,
            "email": email,
            "sort_order": sort_order,
        },
    )
    if changed or department.pk is None:
        department.full_clean()
        department.save()
    return department


def email_queue(*, key: str, to: str, subject: str, body: str, new: bool = False) -> OutboundEmail:
    """Store an e-mail and its sending task in the caller's transaction; the worker sees both
    once it commits (ADR 0008).

    Idempotent by `key`: queueing the same key again returns the first e-mail unchanged.
    `new=True` says the key cannot have been queued before (it names a row this transaction
    created), so no savepoint is needed to survive the duplicate.
    """
    from .tasks import email_send

    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "yakusho.localhost"
    try:
        with transaction.atomic(savepoint=not new):
            email = insert(
                OutboundEmail(
                    key=key,
                    to=to,
                    subject=subject,
                    body=body,
                    message_id=f"<{uuid.uuid4().hex}@{domain}>",
                    next_attempt_at=timezone.now(),
                )
            )
            email_send.enqueue(email_id=email.pk)
    except IntegrityError:
        if new:
            raise
        return OutboundEmail.objects.get(key=key)
    return email


def email_claim(*, email_id: int) -> OutboundEmail | None:
    """Mark a queued e-mail as being sent by this worker; None if another has it or it is done.

    A conditional UPDATE rather than a held lock: the SMTP conversation happens outside any
    transaction, so a slow mail server never blocks the database.
    """
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email_id, state=OutboundEmail.State.QUEUED, next_attempt_at__lte=now
    ).update(state=OutboundEmail.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return OutboundEmail.objects.get(pk=email_id) if claimed else None


def email_mark_sent(*, email: OutboundEmail) -> None:
    OutboundEmail.objects.filter(pk=email.pk, state=OutboundEmail.State.SENDING).update(
        state=OutboundEmail.State.SENT, sent_at=timezone.now(), last_error=""
    )


def email_mark_failed(*, email: OutboundEmail, error: str) -> None:
    """Back off and retry later; give up after EMAIL_MAX_ATTEMPTS, visibly."""
    if email.attempts >= EMAIL_MAX_ATTEMPTS:
        state, next_at = OutboundEmail.State.FAILED, timezone.now()
    else:
        state = OutboundEmail.State.QUEUED
        next_at = timezone.now() + dt.timedelta(seconds=30 * 2 ** (email.attempts - 1))
    OutboundEmail.objects.filter(pk=email.pk, state=OutboundEmail.State.SENDING).update(
        state=state, next_attempt_at=next_at, last_error=error[:500]
    )
    if state == OutboundEmail.State.QUEUED:
        from .tasks import email_send

        email_send.using(run_after=next_at).enqueue(email_id=email.pk)


def email_release(*, email_id: int) -> bool:
    """Hand an e-mail left in SENDING by a worker that died back to the queue; True if it was."""
    return bool(
        OutboundEmail.objects.filter(pk=email_id, state=OutboundEmail.State.SENDING).update(
            state=OutboundEmail.State.QUEUED
        )
    )


def email_recover(*, stale_after: dt.timedelta) -> int:
    """Put e-mails whose sender vanished mid-send back in the queue and re-enqueue every due
    e-mail whose task was lost (a crash between commit and enqueue). Returns how many."""
    from .tasks import email_send

    now = timezone.now()
    OutboundEmail.objects.filter(
        state=OutboundEmail.State.SENDING, claimed_at__lt=now - stale_after
    ).update(state=OutboundEmail.State.QUEUED)
    due = list(
        OutboundEmail.objects.filter(
            state=OutboundEmail.State.QUEUED, next_attempt_at__lte=now - stale_after
        ).values_list("pk", flat=True)[:500]
    )
    for email_id in due:
        email_send.enqueue(email_id=email_id)
    return len(due)
