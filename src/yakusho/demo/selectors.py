"""What the demo shows testers: the current authenticator codes of the demo staff."""

from __future__ import annotations

import time

from django.conf import settings

from .services import STAFF, demo_totp_secret


def demo_totp_codes() -> list[tuple[str, str]]:
    if not settings.DEMO:
        return []
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // 30
    return [
        (email, format_hotp_value(hotp_value(demo_totp_secret(email), counter)))
        for email, *_ in STAFF
    ]
