"""Health probes for load balancers and orchestration."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import WorkerHeartbeat

_migrations_checked = False


def _migrations_applied() -> bool:
    # Checked until it first succeeds; a running process does not gain unapplied migrations.
    global _migrations_checked
    if not _migrations_checked:
        executor = MigrationExecutor(connection)
        _migrations_checked = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_checked


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: database reachable, migrations applied, a worker alive."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        checks["migrations"] = "ok" if _migrations_applied() else "unapplied migrations"
        cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
        alive = WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).exists()
        checks["worker"] = "ok" if alive else "no worker heartbeat"
    except DatabaseError:
        checks["database"] = "unreachable"
    ready = all(value == "ok" for value in checks.values()) and len(checks) == 3
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid token (an old tab, a second tab after signing out): say
    what happened and what to do, in the visitor's language."""
    return render(request, "403_csrf.html", status=403)
