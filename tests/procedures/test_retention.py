"""Drafts expire after a reminder; submissions are purged after their retention period; both
leave an audit record with the count."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from yakusho.core.models import AuditRecord
from yakusho.procedures import services
from yakusho.procedures.models import Draft, Submission

from ..factories import UserFactory
from .sample_definitions import COPIES

pytestmark = pytest.mark.django_db


def test_reminder_then_purge(make_procedure, run_tasks):
    procedure = make_procedure(COPIES, identity_level="email", draft_retention_days=10)
    user = UserFactory()
    draft = services.draft_start(procedure=procedure, user=user)
    now = timezone.now()
    assert services.drafts_remind(now=now) == 0
    with run_tasks():
        assert services.drafts_remind(now=now + dt.timedelta(days=8)) == 1
        assert services.drafts_remind(now=now + dt.timedelta(days=8)) == 0  # once only
    assert "保存期限" in mail.outbox[0].subject
    assert services.drafts_purge(now=now + dt.timedelta(days=11)) == 1
    assert not Draft.objects.filter(pk=draft.pk).exists()
    record = AuditRecord.objects.get(action="retention.drafts_purged")
    assert record.data["count"] == 1


def test_submissions_purged_after_retention(make_procedure):
    procedure = make_procedure(COPIES, identity_level="email", retention_days=30)
    user = UserFactory()
    draft = services.draft_start(procedure=procedure, user=user)
    draft = services.draft_save_step(
        draft=draft, step_key="request", answers={"copies": 1, "purpose": "job"}
    )
    submission = services.submission_create(draft=draft, language="ja")
    services.submission_withdraw(submission=submission, user=user)
    submission.refresh_from_db()
    assert services.submissions_purge(today=submission.purge_after) == 0
    assert services.submissions_purge(today=submission.purge_after + dt.timedelta(days=1)) == 1
    assert not Submission.objects.exists()
    assert AuditRecord.objects.get(action="retention.submissions_purged").data["count"] == 1


def test_periodic_jobs_are_registered():
    from yakusho.core import periodic

    assert {"procedures.drafts", "procedures.submissions"} <= set(periodic.jobs())
