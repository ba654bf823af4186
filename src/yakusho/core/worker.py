"""The background worker behind `yakusho worker` and the demo's in-process worker.

It runs tasks from the database queue (django-tasks-db), one at a time per worker; several
workers may run at once (PostgreSQL hands each task to one of them with SKIP LOCKED). Besides
tasks it writes a heartbeat, hands tasks claimed by a worker that died back to the queue, and
runs the periodic jobs of `core.periodic`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks import TaskContext
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import periodic
from .mail import relay_close
from .models import WorkerHeartbeat

logger = logging.getLogger("yakusho.worker")

# Handlers called when a task goes back to the queue because its worker died while running it,
# before it runs again, with the task's arguments: they undo a claim the task had made (an
# e-mail marked as being sent) so that the next run does the work instead of skipping it.
_ORPHAN_HANDLERS: dict[str, Callable[..., object]] = {}


def on_orphan(task: object) -> Callable[[Callable[..., object]], Callable[..., object]]:
    def register(handler: Callable[..., object]) -> Callable[..., object]:
        _ORPHAN_HANDLERS[task.module_path] = handler
        return handler

    return register


def heartbeat_interval() -> float:
    """How often a worker beats: at least three times within the stale limit, so a short
    YAKUSHO_WORKER_STALE_SECONDS (a quick take-over) never makes a live worker look dead."""
    return max(0.5, min(settings.WORKER_HEARTBEAT_SECONDS, settings.WORKER_STALE_SECONDS / 3))


class Worker:
    def __init__(self, *, worker_id: str | None = None, interval: float = 0.5) -> None:
        self.worker_id = worker_id or f"{socket.gethostname()[:30]}-{get_random_string(12)}"
        self.interval = interval
        self.started_at = timezone.now()
        self._last_housekeeping = 0.0

    # --- one step at a time, so tests and the demo can drive it ---------------------------

    def run_one(self) -> bool:
        """Claim and run one ready task. True if there was one."""
        tasks = DBTaskResult.objects.ready().filter(backend_name="default")
        try:
            with exclusive_transaction(tasks.db):
                db_result = tasks.get_locked()
                if db_result is not None:
                    db_result.claim(self.worker_id)
        except DatabaseError as exc:
            if is_locked_database_exception(exc):
                return False
            raise
        if db_result is None:
            return False
        self._execute(db_result)
        return True

    def run_until_idle(self, limit: int = 10_000) -> int:
        """Run ready tasks until none is left; returns how many ran."""
        ran = 0
        while ran < limit and self.run_one():
            ran += 1
        return ran

    def housekeeping(self) -> None:
        self.beat()
        self.requeue_orphans()
        periodic.run_due_jobs()

    def beat(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "beat_at": now,
            },
        )

    def requeue_orphans(self) -> int:
        """Tasks left RUNNING by a worker whose heartbeat stopped go back to the queue. Tasks are
        idempotent, so running one again is safe."""
        cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
        alive = set(
            WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True)
        )
        requeued = 0
        running = DBTaskResult.objects.running().values_list(
            "pk", "worker_ids", "started_at", "task_path", "args_kwargs"
        )
        for pk, worker_ids, started_at, task_path, args_kwargs in running:
            if worker_ids and worker_ids[-1] not in alive:
                # Only the run seen here (same start), so a worker that took the task over
                # meanwhile keeps it; the task's claim is released in the same transaction,
                # so the next run never finds it still held.
                with transaction.atomic():
                    taken = DBTaskResult.objects.filter(
                        pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
                    ).update(status=TaskResultStatus.READY)
                    if taken:
                        self._release(task_path, args_kwargs or {})
                requeued += taken
        WorkerHeartbeat.objects.filter(beat_at__lt=cutoff).delete()
        if requeued:
            logger.warning("Requeued %d task(s) left by workers that stopped", requeued)
        return requeued

    @staticmethod
    def _release(task_path: str, args_kwargs: dict) -> None:
        if task_path not in _ORPHAN_HANDLERS:
            with contextlib.suppress(ImportError):
                import_string(task_path)  # importing the task's module registers its handler
        handler = _ORPHAN_HANDLERS.get(task_path)
        if handler is not None:
            handler(*args_kwargs.get("args", []), **args_kwargs.get("kwargs", {}))

    def _execute(self, db_result: DBTaskResult) -> None:
        try:
            task = db_result.task
            result = db_result.task_result
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
            else:
                value = task.call(*result.args, **result.kwargs)
            db_result.set_successful(value)
        except Exception as exc:
            logger.exception("Task %s (%s) failed", db_result.pk, db_result.task_path)
            db_result.set_failed(exc)

    # --- the loop --------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        logger.info("Worker %s started", self.worker_id)
        try:
            while not stop.is_set():
                try:
                    # Between tasks of a busy queue the connection is kept as it is: checking
                    # it (with CONN_HEALTH_CHECKS, a query) before every task would cost one
                    # more round trip each; a connection that fails is closed below.
                    if time.monotonic() - self._last_housekeeping >= heartbeat_interval():
                        close_old_connections()
                        self.housekeeping()
                        self._last_housekeeping = time.monotonic()
                    if not self.run_one():
                        close_old_connections()
                        stop.wait(self.interval)
                except DatabaseError as exc:
                    # The database may be restarting; keep trying rather than dying.
                    logger.warning("Database unavailable (%s); retrying", exc)
                    close_old_connections()
                    stop.wait(max(self.interval, 2.0))
        finally:
            relay_close()
            with contextlib.suppress(DatabaseError):
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
            close_old_connections()
            logger.info("Worker %s stopped", self.worker_id)
