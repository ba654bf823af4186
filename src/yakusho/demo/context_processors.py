from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def demo(request: HttpRequest) -> dict[str, object]:
    """On the second-factor page of the demo, the codes a tester needs."""
    if not settings.DEMO or not request.path.endswith("/2fa/authenticate/"):
        return {}
    from .selectors import demo_totp_codes

    return {"demo_totp_codes": demo_totp_codes()}
