"""The client's address, as far as this deployment can know it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or, behind YAKUSHO_TRUSTED_PROXIES proxies, the address they saw.

    X-Forwarded-For is trusted only as far as the configured number of proxies, so a client
    cannot choose its own address (and dodge a per-address limit) by sending the header."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
