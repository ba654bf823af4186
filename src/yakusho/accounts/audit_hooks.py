"""Audit records for sign-ins, failures, second factors and password changes."""

from __future__ import annotations

import hashlib
from typing import Any

from allauth.account import signals as account_signals
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals

from yakusho.core.audit import audit_record
from yakusho.core.network import client_ip

from .middleware import LAST_SEEN, LOGIN_AT


def _ip(request: Any) -> str | None:
    return client_ip(request) if request is not None else None


def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        import time

        request.session[LOGIN_AT] = request.session[LAST_SEEN] = time.time()
        request.session.pop("login_realm", None)
        # Signing in just now counts as a recent re-authentication (as "sudo mode" does
        # elsewhere): staff made to enrol an authenticator are not asked for the password
        # a second time a few seconds after typing it.
        records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY)
        if isinstance(records, list) and records:
            request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [
                {**record, "reauthenticated": True} for record in records
            ]
    audit_record(
        action="auth.login", actor=user, obj=user, ip_address=_ip(request), data={"kind": user.kind}
    )


def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="auth.logout", actor=user, obj=user, ip_address=_ip(request))


def on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # The attempted identifier is kept as a hash: enough to see a pattern, not a list of
    # addresses someone typed.
    login = str(credentials.get("email") or credentials.get("username") or "")
    audit_record(
        action="auth.login_failed",
        ip_address=_ip(request),
        data={"login_sha256": hashlib.sha256(login.lower().encode()).hexdigest()[:16]},
    )


def on_authenticator_added(
    sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any
) -> None:
    audit_record(
        action="mfa.added",
        actor=user,
        obj=user,
        ip_address=_ip(request),
        data={"type": authenticator.type},
    )


def on_authenticator_removed(
    sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any
) -> None:
    audit_record(
        action="mfa.removed",
        actor=user,
        obj=user,
        ip_address=_ip(request),
        data={"type": authenticator.type},
    )


def on_mfa_failed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="mfa.failed", actor=None, obj=user, ip_address=_ip(request))


def on_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="auth.password_changed", actor=user, obj=user, ip_address=_ip(request))


def connect() -> None:
    auth_signals.user_logged_in.connect(on_login, dispatch_uid="yakusho-audit-login")
    auth_signals.user_logged_out.connect(on_logout, dispatch_uid="yakusho-audit-logout")
    auth_signals.user_login_failed.connect(on_login_failed, dispatch_uid="yakusho-audit-failed")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="yakusho-mfa-add")
    mfa_signals.authenticator_removed.connect(
        on_authenticator_removed, dispatch_uid="yakusho-mfa-rm"
    )
    mfa_signals.authentication_failed.connect(on_mfa_failed, dispatch_uid="yakusho-mfa-failed")
    for signal in (
        account_signals.password_changed,
        account_signals.password_reset,
        account_signals.password_set,
    ):
        signal.connect(on_password_changed, dispatch_uid=f"yakusho-password-{id(signal)}")
