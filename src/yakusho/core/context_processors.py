from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from . import selectors


def site(request: HttpRequest) -> dict[str, object]:
    return {"municipality": selectors.municipality_current(), "demo": settings.DEMO}
