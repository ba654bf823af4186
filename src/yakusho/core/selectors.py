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
