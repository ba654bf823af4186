"""Staff sessions: the office needs a second factor, and sessions end when idle or old.

The 総務省 guideline asks for MFA and session limits on remote access; the office is reached
from anywhere (the plan's flexible work), so every staff request is checked here.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import get_user as request_user
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from yakusho.core.preferences import split_language_prefix

from .models import User

LAST_SEEN = "staff_last_seen"
LOGIN_AT = "staff_login_at"
# Office pages a member of staff may open before the second factor is set up.
_MFA_SETUP_PATHS = ("/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/")


def session_has_second_factor(request: HttpRequest, authenticators: list[Authenticator]) -> bool:
    """Used in this session: at sign-in, or by enrolling it after signing in (which proves
    possession of the device just the same)."""
    if any(r.get("method") == "mfa" for r in get_authentication_records(request, request.user)):
        return True
    login_at = request.session.get(LOGIN_AT, time.time())
    return any(a.created_at.timestamp() >= login_at for a in authenticators)


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, SimpleLazyObject):
            # Needed here on every request anyway, the signed-in user replaces the lazy wrapper
            # AuthenticationMiddleware set: every later read of it (a page reads it dozens of
            # times) would otherwise go through the wrapper's proxy.
            request.user = user = request_user(request)
        if user.is_authenticated and user.kind == User.Kind.STAFF:
            ended = self._session_ended(request)
            if ended:
                logout(request)
                messages.info(request, ended)
                return HttpResponseRedirect(f"{reverse('staff_login')}?next={request.path}")
            redirect = self._second_factor_redirect(request, user)
            if redirect:
                return redirect
        return self.get_response(request)

    @staticmethod
    def _session_ended(request: HttpRequest) -> str | None:
        now = time.time()
        session = request.session
        login_at = session.setdefault(LOGIN_AT, now)
        last_seen = session.get(LAST_SEEN, now)
        if now - last_seen > settings.STAFF_IDLE_MINUTES * 60:
            return _(
                "しばらく操作がなかったため、ログアウトしました。もう一度ログインしてください。"
            )
        if now - login_at > settings.STAFF_SESSION_HOURS * 3600:
            return _(
                "ログインしてから長い時間がたったため、ログアウトしました。もう一度ログインしてください。"
            )
        if (
            now - last_seen > 30 or LAST_SEEN not in session
        ):  # write the session at most twice a minute
            session[LAST_SEEN] = now
        return None

    @staticmethod
    def _second_factor_redirect(request: HttpRequest, user: User) -> HttpResponse | None:
        _, rest = split_language_prefix(request.path_info)
        if not rest.startswith("/office/") or rest.startswith(_MFA_SETUP_PATHS):
            return None
        authenticators = list(
            Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.RECOVERY_CODES)
        )
        if not authenticators:
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        if not session_has_second_factor(request, authenticators):
            # Signed in some other way (or before enrolling): sign in again with the code.
            logout(request)
            return HttpResponseRedirect(f"{reverse('staff_login')}?next={request.path}")
        return None
