import datetime as dt

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from yakusho.core import periodic
from yakusho.core.models import PeriodicRun, WorkerHeartbeat
from yakusho.core.tasks import email_send
from yakusho.core.worker import Worker

pytestmark = pytest.mark.django_db


def test_heartbeat_is_written_and_refreshed(worker):
    worker.beat()
    first = WorkerHeartbeat.objects.get(worker_id="test-worker").beat_at
    worker.beat()
    assert WorkerHeartbeat.objects.get(worker_id="test-worker").beat_at >= first
    assert WorkerHeartbeat.objects.count() == 1


def test_task_of_a_dead_worker_goes_back_to_the_queue(worker, settings):
    result = email_send.enqueue(email_id=123)
    dead = Worker(worker_id="dead-worker")
    dead.beat()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=["dead-worker"]
    )
    WorkerHeartbeat.objects.filter(worker_id="dead-worker").update(
        beat_at=timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS + 1)
    )
    worker.beat()
    assert worker.requeue_orphans() == 1
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY
    assert not WorkerHeartbeat.objects.filter(worker_id="dead-worker").exists()
    assert worker.run_until_idle() == 1


def test_task_of_a_live_worker_is_left_alone(worker):
    result = email_send.enqueue(email_id=123)
    busy = Worker(worker_id="busy-worker")
    busy.beat()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=["busy-worker"]
    )
    assert worker.requeue_orphans() == 0


def test_failing_task_is_recorded_not_raised(worker):
    from tests.core.sample_tasks import explode

    result = explode.enqueue()
    assert worker.run_one()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED


def test_periodic_job_runs_once_per_slot(monkeypatch):
    calls = []
    monkeypatch.setattr(periodic, "_JOBS", {})
    monkeypatch.setattr(periodic, "_discovered", True)
    periodic.periodic("test.job", every=dt.timedelta(hours=1))(lambda: calls.append(1) or "done")
    assert periodic.run_due_jobs() == ["test.job"]
    assert periodic.run_due_jobs() == []  # a second worker in the same hour
    assert calls == [1]
    run = PeriodicRun.objects.get(job="test.job")
    assert run.outcome == "done"
    assert run.finished_at is not None


def test_failing_periodic_job_is_recorded(monkeypatch):
    monkeypatch.setattr(periodic, "_JOBS", {})
    monkeypatch.setattr(periodic, "_discovered", True)

    @periodic.periodic("test.fails", every=dt.timedelta(hours=1))
    def fails():
        raise ValueError("bad")

    periodic.run_due_jobs()
    assert PeriodicRun.objects.get(job="test.fails").outcome == "failed: ValueError"


def test_apps_register_their_jobs():
    assert {"core.email_recover", "core.prune_finished_tasks"} <= set(periodic.jobs())


def test_email_of_a_dead_worker_is_sent_again_with_the_same_message_id(worker, settings):
    from django.core import mail

    from yakusho.core import services
    from yakusho.core.models import OutboundEmail

    email = services.email_queue(key="k:1", to="taro@example.jp", subject="件名", body="本文")
    result = email_send.enqueue(email_id=email.pk)
    # The dead worker claimed the task and the e-mail, then died mid-send.
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=["dead-worker"]
    )
    assert services.email_claim(email_id=email.pk) is not None
    Worker(worker_id="dead-worker").beat()
    WorkerHeartbeat.objects.filter(worker_id="dead-worker").update(
        beat_at=timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS + 1)
    )
    worker.beat()
    assert worker.requeue_orphans() == 1
    assert OutboundEmail.objects.get(pk=email.pk).state == OutboundEmail.State.QUEUED
    worker.run_until_idle()
    assert OutboundEmail.objects.get(pk=email.pk).state == OutboundEmail.State.SENT
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [email.message_id]


def test_heartbeat_stays_within_a_short_stale_limit(settings):
    from yakusho.core.worker import heartbeat_interval

    assert heartbeat_interval() == settings.WORKER_HEARTBEAT_SECONDS
    settings.WORKER_STALE_SECONDS = 3
    assert heartbeat_interval() == 1
