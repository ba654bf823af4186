from __future__ import annotations

from django.http import HttpRequest

from .models import User


def layout(request: HttpRequest) -> dict[str, str]:
    """Account pages (allauth's included) wear the office's layout for staff, the portal's
    for everyone else."""
    user = getattr(request, "user", None)
    staff = (user is not None and user.is_authenticated and user.kind == User.Kind.STAFF) or (
        hasattr(request, "session")
        and request.session.get("login_realm") == "office"
        and not (user and user.is_authenticated)
    )
    return {"layout": "office/base.html" if staff else "portal/base.html"}
