"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL
points at one (as .ci/run does)."""

from __future__ import annotations

import pytest
from django.test.utils import override_settings


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing():
    """Argon2, the production algorithm, at a cost that keeps the suite fast."""
    override = override_settings(PASSWORD_HASHERS=["tests.hashers.CheapArgon2PasswordHasher"])
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _japanese_by_default():
    """Each test starts in Japanese: a request leaves its language active in the thread
    (LocaleMiddleware), and a test must not inherit the one before it."""
    from django.utils import translation

    with translation.override("ja"):
        yield


@pytest.fixture
def totp():
    """Give a user an authenticator app; returns a function for its current code."""
    import time

    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
    )

    def enrol(user):
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return lambda offset=0: format_hotp_value(
            hotp_value(secret, int(time.time()) // 30 + offset)
        )

    return enrol


@pytest.fixture
def worker(db):
    """A worker the test drives step by step: `worker.run_until_idle()`."""
    from yakusho.core.worker import Worker

    return Worker(worker_id="test-worker")


@pytest.fixture
def run_tasks(worker, django_capture_on_commit_callbacks):
    """Run the on-commit callbacks of a block, then every task they enqueued."""
    from contextlib import contextmanager

    @contextmanager
    def runner():
        with django_capture_on_commit_callbacks(execute=True):
            yield
        worker.run_until_idle()

    return runner


@pytest.fixture(autouse=True)
def _audit_rows_removed_before_flush(request):
    """Transactional tests end with a flush that deletes every row, which the audit table's
    guard refuses; remove this test's audit rows first, the way the retention purge does."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "live_server" in request.fixturenames or "transactional_db" in request.fixturenames
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from django.db import transaction

    from yakusho.core.audit import _delete_through

    with transaction.atomic():
        _delete_through(2**62)


@pytest.fixture(autouse=True)
def _no_held_mail_connection():
    """The worker's mail connection is held per thread (core.mail); a test must not send on
    the one the test before opened, perhaps with another mail backend."""
    from yakusho.core.mail import relay_close

    relay_close()
    yield
    relay_close()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The cache (local memory in tests) and the catalogue and form versions a process keeps
    must not carry one test's city into the next."""
    from django.core.cache import cache

    from yakusho.procedures.selectors import forget_kept

    cache.clear()
    forget_kept()
    yield
    cache.clear()
    forget_kept()


@pytest.fixture
def staff_client(totp):
    """Sign a member of staff in, in a browser of their own, through the real office login and
    second factor."""

    def sign_in(user):
        from django.test import Client

        from .factories import PASSWORD

        client = Client()
        code = totp(user)
        client.post("/ja/office/login/", {"login": user.email, "password": PASSWORD})
        response = client.post("/ja/accounts/2fa/authenticate/", {"code": code()})
        if response.status_code == 200:
            # The code's 30-second window can end between reading the code and the server
            # checking it (a few milliseconds in ~60 sign-ins a run); a person would type the
            # next code.
            response = client.post("/ja/accounts/2fa/authenticate/", {"code": code()})
        assert response.status_code == 302, response.content.decode()[:500]
        return client

    return sign_in
