"""Reads of the core app."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet

from .models import Department, Municipality

MUNICIPALITY_CACHE_KEY = "core:municipality"


def municipality_current() -> Municipality | None:
    """The deployment's municipality, cached briefly: every page shows its name."""
    municipality = cache.get(MUNICIPALITY_CACHE_KEY)
    if municipality is None:
        municipality = Municipality.objects.filter(singleton=True).first()
        if municipality is not None:
            cache.set(MUNICIPALITY_CACHE_KEY, municipality, 60)
    return municipality


def department_tree() -> QuerySet[Department]:
    """Active departments with their parents joined, in display order."""
    return Department.objects.filter(is_active=True).select_related("parent__parent")


def audit_search(
    *,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    since: object = None,
    until: object = None,
) -> QuerySet:
    """Audit records matching the auditor's filters, newest first."""
    import datetime as dt

    from django.utils import timezone

    from .models import AuditRecord

    qs = AuditRecord.objects.all()
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    zone = timezone.get_current_timezone()
    if since:
        qs = qs.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=zone))
    if until:
        qs = qs.filter(
            at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        )
    return qs.order_by("-seq")
