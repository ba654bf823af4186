"""Who may enter the office, and which pages each role opens."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from yakusho.accounts.models import Role, User
from yakusho.accounts.selectors import staff_scope


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in staff only; anyone else is sent to the staff login."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.kind == User.Kind.STAFF):
            return redirect_to_login(request.get_full_path(), reverse("staff_login"))
        return view(request, *args, **kwargs)

    return wrapped


def role_required(
    *roles: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Staff holding any of `roles` (in any department for casework roles)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @staff_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            scope = staff_scope(request.user)
            if not any(scope.has_role(role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


CASEWORK = (Role.TANTO, Role.KESSAI, Role.SHOZOKUCHO)
