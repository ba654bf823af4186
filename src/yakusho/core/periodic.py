"""Periodic jobs run by the workers (daily digests, retention purges, e-mail recovery…).

A job is registered with `@periodic("name", every=timedelta(...))` in an app's `tasks.py`.
Time is cut into slots of `every`; the first worker to insert the (job, slot) row runs it, so
several workers never run the same slot twice.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import PeriodicRun

logger = logging.getLogger("yakusho.periodic")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    func: Callable[[], object]


_JOBS: dict[str, PeriodicJob] = {}
_discovered = False


def periodic(
    name: str, *, every: timedelta
) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def register(func: Callable[[], object]) -> Callable[[], object]:
        _JOBS[name] = PeriodicJob(name, every, func)
        return func

    return register


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    for config in apps.get_app_configs():
        if config.name.startswith("yakusho."):
            try:
                importlib.import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.tasks":
                    raise
    _discovered = True


def jobs() -> dict[str, PeriodicJob]:
    _discover()
    return dict(_JOBS)


def run_due_jobs() -> list[str]:
    """Run every job whose current slot has not run yet; returns the names run here."""
    now = timezone.now()
    ran = []
    for job in jobs().values():
        slot = str(int(now.timestamp() // job.every.total_seconds()))
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job.name, slot=slot, started_at=now)
        except IntegrityError:
            continue  # another worker has this slot
        try:
            outcome = job.func()
        except Exception as exc:
            logger.exception("Periodic job %s failed", job.name)
            outcome = f"failed: {type(exc).__name__}"
        PeriodicRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), outcome=str(outcome)[:200]
        )
        ran.append(job.name)
    return ran
